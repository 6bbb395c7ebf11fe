/** Flow ids name folders: only the ids the flow schema allows (no separators, no `..`). */
export function safeFlow(flowId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(flowId)) throw new Error(`step log: '${flowId}' is not a flow id (letters, digits, - and _)`);
  return flowId;
}
