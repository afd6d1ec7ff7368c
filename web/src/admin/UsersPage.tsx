/** Users by status, newest first, a page at a time (listUsers' nextToken). */
import { useState, type FormEvent } from 'react';
import * as op from '../../../cli/operations';
import type { UserStatus } from '../../../schema/generated/graphql';
import { request, type Auth } from '../shared/api';
import { ErrorBox, TextField, formatDate } from '../shared/components';
import { hrefOf } from '../shared/useHashRoute';
import { useLoad } from '../shared/useLoad';

const PAGE_SIZE = 20;

export function UsersPage({ auth, notice }: { auth: Auth; notice?: string | null }) {
  const [status, setStatus] = useState<UserStatus>('ACTIVE');
  // Tokens of the pages before this one (for "Previous"), and this page's own.
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState('');
  const token = tokens[tokens.length - 1] ?? null;
  const { data: page, error } = useLoad(`${status}/${token}`, () =>
    request<op.ListUsersData, op.ListUsersVars>(op.LIST_USERS, { status, limit: PAGE_SIZE, nextToken: token }, auth).then((d) => d.listUsers),
  );

  const openUser = (e: FormEvent) => {
    e.preventDefault();
    if (open.trim()) window.location.hash = hrefOf('users', open.trim());
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Users</h1>
      {notice && (
        <div className="notice success" role="status">
          <p className="title">{notice}</p>
        </div>
      )}
      <div className="toolbar">
        <div className="field">
          <label htmlFor="status">Status</label>
          <select
            id="status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as UserStatus);
              setTokens([null]);
            }}
          >
            <option value="ACTIVE">Active</option>
            <option value="PENDING">Pending (registration under way)</option>
          </select>
        </div>
        <form onSubmit={openUser} className="inline">
          <TextField label="Open a user by ID" name="open-user" value={open} onChange={setOpen} />
          <button type="submit">Open</button>
        </form>
      </div>
      {error !== null && <ErrorBox error={error} />}
      {page && (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{status === 'ACTIVE' ? 'Active' : 'Pending'} users, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Status</th>
                  <th scope="col">Faces</th>
                  <th scope="col">Registered</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((u) => (
                  <tr key={u.userId} data-user={u.userId}>
                    <td>
                      <a href={hrefOf('users', u.userId)}>{u.userId}</a>
                    </td>
                    <td>
                      <span className={`badge ${u.status.toLowerCase()}`}>{u.status}</span>
                    </td>
                    <td>{u.faceIds.length}</td>
                    <td>{formatDate(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.items.length === 0 && <p>No {status.toLowerCase()} users{tokens.length > 1 ? ' on this page' : ''}.</p>}
          <div className="row">
            <button type="button" disabled={tokens.length === 1} onClick={() => setTokens((t) => t.slice(0, -1))}>
              Previous page
            </button>
            <button type="button" disabled={!page.nextToken} onClick={() => setTokens((t) => [...t, page.nextToken ?? null])}>
              Next page
            </button>
            <span className="small">Page {tokens.length}</span>
          </div>
        </>
      )}
    </section>
  );
}
