/** The default order in which identities name a user: customer id, then email, then mParticle id. */
const DEFAULT_IDENTITY_PRIORITY = ['customer_id', 'email', 'mpid'] as const;

/**
 * The user a batch is about: the first identity in the configured priority that the batch has.
 * None means anonymous under these rules: the batch is accepted and skipped, and counted.
 */
export function resolveUser(
  identities: Record<string, string>,
  priority: readonly string[] = DEFAULT_IDENTITY_PRIORITY,
): string | undefined {
  for (const type of priority) {
    const value = identities[type];
    if (value) return value;
  }
  return undefined;
}
