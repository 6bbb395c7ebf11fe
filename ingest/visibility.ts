// Characters a visibility query cannot carry in a string literal: Temporal's parser and its SQL
// visibility store do not agree on backslash escapes, and control characters never match.
const UNQUOTABLE = /[\\"\u0000-\u001f\u007f]/;

const literal = (value: string): string => `'${value.replace(/'/g, "\\'")}'`;

/**
 * The visibility query for a user's running runs of a flow. User data goes into it only as a
 * literal free of anything that could end the string: up to the first character that cannot be
 * quoted safely, matched as a prefix; the caller keeps only runs whose UserId equals the user.
 */
export function runningRunsQuery(flow: string, user: string): string {
  const cut = user.search(UNQUOTABLE);
  const userClause = cut === -1 ? ` AND UserId = ${literal(user)}` : cut > 0 ? ` AND UserId STARTS_WITH ${literal(user.slice(0, cut))}` : '';
  const flowClause = UNQUOTABLE.test(flow) ? '' : `FlowId = ${literal(flow)} AND `;
  return `${flowClause}ExecutionStatus = 'Running'${userClause}`;
}
