/**
 * The sync's summary for people. The backend lists the Jira fields it edited by id ("edited summary,
 * customfield_11064"); people know custom fields by name, which the panel does not have, so custom field ids
 * are counted instead: "edited summary and 1 custom field". Other clauses are kept as they are.
 */
export function syncSummaryForPeople(summary: string): string {
  return summary
    .split('; ')
    .map((clause) => {
      const edited = /^edited (.+)$/.exec(clause);
      if (!edited?.[1]) return clause;
      const fields = edited[1].split(', ');
      const named = fields.filter((f) => !/^customfield_\d+$/.test(f));
      const custom = fields.length - named.length;
      if (custom === 0) return clause;
      const customText = `${custom} custom field${custom === 1 ? '' : 's'}`;
      return `edited ${named.length > 0 ? `${named.join(', ')} and ${customText}` : customText}`;
    })
    .join('; ');
}
