/** E-mail addresses compare case-insensitively everywhere in the product: the one rule, written once. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
