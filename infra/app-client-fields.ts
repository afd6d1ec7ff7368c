import { readFileSync } from 'node:fs';
import { Kind, parse, type ConstDirectiveNode } from 'graphql';

export interface RootField {
  typeName: 'Query' | 'Mutation' | 'Subscription';
  fieldName: string;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

const has = (directives: readonly ConstDirectiveNode[] | undefined, name: string): boolean =>
  (directives ?? []).some((d) => d.name.value === name);

/**
 * The fields app clients call, read from the schema: root fields open to both IAM and API
 * keys (`@aws_iam @aws_api_key`). IAM-only fields (publishRegistrationProgress) are for the
 * step Lambdas; admin fields carry neither. AppSync checks IAM policies against root fields;
 * the types they return are guarded by their own directives.
 */
export function appClientFields(schemaFile: string): RootField[] {
  const document = parse(readFileSync(schemaFile, 'utf8'));
  const fields: RootField[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !ROOT_TYPES.has(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      if (has(field.directives, 'aws_iam') && has(field.directives, 'aws_api_key')) {
        fields.push({ typeName: definition.name.value as RootField['typeName'], fieldName: field.name.value });
      }
    }
  }
  return fields;
}
