/**
 * The AMAZON_DYNAMODB data source: executes the request objects of AppSync's "JavaScript resolver
 * function reference for DynamoDB" against a DynamoDBClient, and hands back what AppSync does:
 * attribute values decoded to plain JSON (N → number, SS/NS → lists, B → base64 string),
 * Query/Scan as `{items, nextToken, scannedCount}` with an opaque nextToken, errors as
 * `{message, type: 'DynamoDB:<Exception>'}`.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface DataSourceAnswer {
  result: unknown;
  error?: { message: string; type: string };
}

type Obj = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

class RequestError extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** AppSync accepts N as a number (util.dynamodb gives numbers) and NULL as null; the wire wants strings/true. */
export function toWire(value: unknown): AttributeValue {
  if (!isObj(value)) throw new RequestError('Expected a DynamoDB attribute value, got ' + JSON.stringify(value));
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new RequestError('A DynamoDB attribute value has exactly one type key: ' + JSON.stringify(value));
  const type = keys[0] as string;
  const v = value[type];
  switch (type) {
    case 'S':
      return { S: String(v) };
    case 'N':
      return { N: String(v) };
    case 'BOOL':
      return { BOOL: Boolean(v) };
    case 'NULL':
      return { NULL: true };
    case 'B':
      return { B: Buffer.from(String(v), 'base64') };
    case 'SS':
      return { SS: (v as unknown[]).map(String) };
    case 'NS':
      return { NS: (v as unknown[]).map(String) };
    case 'BS':
      return { BS: (v as unknown[]).map((b) => Buffer.from(String(b), 'base64')) };
    case 'L':
      return { L: (v as unknown[]).map(toWire) };
    case 'M':
      return { M: toWireMap(v) };
    default:
      throw new RequestError('Unknown DynamoDB attribute type ' + type);
  }
}

export function toWireMap(map: unknown): Item {
  if (map === undefined || map === null) return {};
  if (!isObj(map)) throw new RequestError('Expected a map of DynamoDB attribute values');
  const out: Item = {};
  for (const [k, v] of Object.entries(map)) out[k] = toWire(v);
  return out;
}

/** DynamoDB → GraphQL/JSON types, as AppSync's type system (response mapping) describes. */
export function fromWire(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(fromWire);
  if (value.M !== undefined) return fromWireMap(value.M);
  return null;
}

export function fromWireMap(item: Item | undefined): Obj | null {
  if (!item) return null;
  const out: Obj = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromWire(v);
  return out;
}

/** Opaque pagination token: base64url of the LastEvaluatedKey (wire form). */
export function encodeNextToken(key: Item | undefined): string | null {
  if (!key || Object.keys(key).length === 0) return null;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeNextToken(token: unknown): Item | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    const key = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as unknown;
    return toWireMap(key);
  } catch {
    throw new RequestError('Invalid nextToken: ' + String(token).slice(0, 64));
  }
}

interface Expression {
  expression?: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, unknown>;
}

/** Merges the name/value maps of several expression sections (query, filter, projection, condition, update). */
function expressions(...sections: (Expression | undefined)[]): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
} {
  let names: Record<string, string> | undefined;
  let values: Item | undefined;
  for (const s of sections) {
    if (!s) continue;
    if (s.expressionNames && Object.keys(s.expressionNames).length > 0) names = { ...names, ...s.expressionNames };
    if (s.expressionValues && Object.keys(s.expressionValues).length > 0) values = { ...values, ...toWireMap(s.expressionValues) };
  }
  return { ...(names ? { ExpressionAttributeNames: names } : {}), ...(values ? { ExpressionAttributeValues: values } : {}) };
}

function section(v: unknown, what: string): Expression | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v) || typeof v.expression !== 'string') throw new RequestError(`${what} must be an object with an expression`);
  return v as Expression;
}

function tablesOf(request: Obj, tableName: string): [string, unknown][] {
  if (!isObj(request.tables)) throw new RequestError(`${String(request.operation)} needs tables: {<tableName>: …}`);
  const entries = Object.entries(request.tables);
  for (const [name] of entries) {
    if (name !== tableName) throw new RequestError(`Table ${name} is not the data source's table (${tableName})`);
  }
  return entries;
}

/** Runs one DynamoDB request object. Never throws: errors come back as AppSync puts them in ctx.error. */
export async function executeDynamoDb(client: DynamoDBClient, tableName: string, request: unknown): Promise<DataSourceAnswer> {
  try {
    if (!isObj(request)) throw new RequestError('The DynamoDB request must be an object with an operation');
    return { result: await execute(client, tableName, request) };
  } catch (e) {
    if (e instanceof ConditionFailed) {
      return { result: e.current, error: { message: e.message, type: 'DynamoDB:ConditionalCheckFailedException' } };
    }
    if (e instanceof RequestError) return { result: null, error: { message: e.message, type: 'MappingTemplate' } };
    const err = e as { name?: string; message?: string };
    return { result: null, error: { message: err.message ?? String(e), type: 'DynamoDB:' + (err.name ?? 'DynamoDbException') } };
  }
}

class ConditionFailed extends Error {
  constructor(
    message: string,
    readonly current: Obj | null,
  ) {
    super(message);
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

async function execute(client: DynamoDBClient, TableName: string, r: Obj): Promise<unknown> {
  const op = r.operation;
  switch (op) {
    case 'GetItem': {
      const projection = section(r.projection, 'projection');
      const out = await client.send(
        new GetItemCommand({
          TableName,
          Key: toWireMap(r.key),
          ConsistentRead: r.consistentRead === true,
          ...(projection ? { ProjectionExpression: projection.expression, ...expressions(projection) } : {}),
        }),
      );
      return fromWireMap(out.Item);
    }
    case 'PutItem': {
      const condition = section(r.condition, 'condition');
      const Item = { ...toWireMap(r.attributeValues), ...toWireMap(r.key) };
      try {
        await client.send(
          new PutItemCommand({ TableName, Item, ...(condition ? { ConditionExpression: condition.expression, ...expressions(condition) } : {}) }),
        );
      } catch (e) {
        const current = await onConditionFailure(client, TableName, r, e);
        // The current value already is the wanted one: AppSync treats the write as done.
        if (current && sameJson(dropIgnored(current, condition), dropIgnored(fromWireMap(Item), condition))) return current;
        throw new ConditionFailed('The conditional request failed', current);
      }
      return fromWireMap(Item);
    }
    case 'UpdateItem': {
      const update = section(r.update, 'update');
      if (!update) throw new RequestError('UpdateItem needs update: {expression, …}');
      const condition = section(r.condition, 'condition');
      try {
        const out = await client.send(
          new UpdateItemCommand({
            TableName,
            Key: toWireMap(r.key),
            UpdateExpression: update.expression,
            ...(condition ? { ConditionExpression: condition.expression } : {}),
            ...expressions(update, condition),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromWireMap(out.Attributes);
      } catch (e) {
        throw new ConditionFailed('The conditional request failed', await onConditionFailure(client, TableName, r, e));
      }
    }
    case 'DeleteItem': {
      const condition = section(r.condition, 'condition');
      try {
        const out = await client.send(
          new DeleteItemCommand({
            TableName,
            Key: toWireMap(r.key),
            ReturnValues: 'ALL_OLD',
            ...(condition ? { ConditionExpression: condition.expression, ...expressions(condition) } : {}),
          }),
        );
        return fromWireMap(out.Attributes);
      } catch (e) {
        const current = await onConditionFailure(client, TableName, r, e);
        if (current === null) return null; // already gone: what the delete wanted
        throw new ConditionFailed('The conditional request failed', current);
      }
    }
    case 'Query':
    case 'Scan': {
      const query = op === 'Query' ? section(r.query, 'query') : undefined;
      if (op === 'Query' && !query) throw new RequestError('Query needs query: {expression, …}');
      const filter = section(r.filter, 'filter');
      const projection = section(r.projection, 'projection');
      const common = {
        TableName,
        ...(typeof r.index === 'string' ? { IndexName: r.index } : {}),
        ...(typeof r.limit === 'number' ? { Limit: r.limit } : {}),
        ConsistentRead: r.consistentRead === true,
        ExclusiveStartKey: decodeNextToken(r.nextToken),
        ...(typeof r.select === 'string' && !projection ? { Select: r.select as 'ALL_ATTRIBUTES' } : {}),
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ...(projection ? { ProjectionExpression: projection.expression } : {}),
        ...expressions(query, filter, projection),
      };
      const out =
        op === 'Query'
          ? await client.send(
              new QueryCommand({
                ...common,
                KeyConditionExpression: query?.expression,
                ...(r.scanIndexForward === false ? { ScanIndexForward: false } : {}),
              }),
            )
          : await client.send(
              new ScanCommand({
                ...common,
                ...(typeof r.totalSegments === 'number' ? { TotalSegments: r.totalSegments, Segment: Number(r.segment ?? 0) } : {}),
              }),
            );
      return {
        items: (out.Items ?? []).map((i) => fromWireMap(i)),
        nextToken: encodeNextToken(out.LastEvaluatedKey),
        scannedCount: out.ScannedCount ?? 0,
      };
    }
    case 'BatchGetItem': {
      const tables = tablesOf(r, TableName);
      const RequestItems: Record<string, { Keys: Item[]; ConsistentRead: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }> = {};
      const wanted: Record<string, Item[]> = {};
      for (const [name, spec] of tables) {
        if (!isObj(spec) || !Array.isArray(spec.keys)) throw new RequestError(`BatchGetItem tables.${name} needs keys: […]`);
        const projection = section(spec.projection, 'projection');
        wanted[name] = spec.keys.map(toWireMap);
        RequestItems[name] = {
          Keys: wanted[name] ?? [],
          ConsistentRead: spec.consistentRead === true,
          ...(projection ? { ProjectionExpression: projection.expression, ...expressions(projection) } : {}),
        };
      }
      const out = await client.send(new BatchGetItemCommand({ RequestItems }));
      const data: Record<string, (Obj | null)[]> = {};
      const unprocessedKeys: Record<string, Obj[]> = {};
      for (const [name, keys] of Object.entries(wanted)) {
        const got = out.Responses?.[name] ?? [];
        const pending = (out.UnprocessedKeys?.[name]?.Keys ?? []).map((k) => fromWireMap(k) as Obj);
        unprocessedKeys[name] = pending;
        // AppSync keeps the keys' order, null where an item is missing or unprocessed.
        data[name] = keys.map((k) => {
          const found = got.find((item) => Object.entries(k).every(([attr, v]) => sameJson(fromWire(v), item[attr] ? fromWire(item[attr]) : undefined)));
          return found ? fromWireMap(found) : null;
        });
      }
      return { data, unprocessedKeys };
    }
    case 'BatchPutItem':
    case 'BatchDeleteItem': {
      const tables = tablesOf(r, TableName);
      const RequestItems: Record<string, ({ PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } })[]> = {};
      const data: Record<string, Obj[]> = {};
      for (const [name, list] of tables) {
        if (!Array.isArray(list)) throw new RequestError(`${op} tables.${name} must be a list`);
        const wire = list.map(toWireMap);
        RequestItems[name] = wire.map((w) => (op === 'BatchPutItem' ? { PutRequest: { Item: w } } : { DeleteRequest: { Key: w } }));
        data[name] = wire.map((w) => fromWireMap(w) as Obj);
      }
      const out = await client.send(new BatchWriteItemCommand({ RequestItems }));
      const unprocessed: Record<string, Obj[]> = {};
      for (const name of Object.keys(data)) {
        unprocessed[name] = (out.UnprocessedItems?.[name] ?? []).map(
          (w) => fromWireMap(w.PutRequest?.Item ?? w.DeleteRequest?.Key) as Obj,
        );
      }
      return op === 'BatchPutItem' ? { data, unprocessedItems: unprocessed } : { data, unprocessedKeys: unprocessed };
    }
    case 'TransactGetItems':
    case 'TransactWriteItems':
    case 'Sync':
      throw new RequestError(`${op} is not supported by the local DynamoDB data source (the embedded DynamoDB has no transactions or Sync)`);
    default:
      throw new RequestError('Unsupported DynamoDB operation: ' + JSON.stringify(op));
  }
}

function dropIgnored(item: Obj | null, condition: Expression | undefined): Obj | null {
  const ignore = (condition as { equalsIgnore?: unknown } | undefined)?.equalsIgnore;
  if (!item || !Array.isArray(ignore)) return item;
  const out = { ...item };
  for (const k of ignore) delete out[String(k)];
  return out;
}

/** A failed condition: the item as it is now (strongly consistent), or rethrows other errors. */
async function onConditionFailure(client: DynamoDBClient, TableName: string, r: Obj, e: unknown): Promise<Obj | null> {
  if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
  const out = await client.send(new GetItemCommand({ TableName, Key: toWireMap(r.key), ConsistentRead: true }));
  return fromWireMap(out.Item);
}
