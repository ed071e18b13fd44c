/** Status names compare as Jira shows them to people: case, surrounding and repeated spaces do not count. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
