/** One error type for the whole simulator, turned into Jira's ErrorCollection body in one place (app onError). */
export class JiraError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: readonly string[],
    readonly errors: Readonly<Record<string, string>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
    this.name = 'JiraError';
  }

  body(): { errorMessages: string[]; errors: Record<string, string> } {
    return { errorMessages: [...this.errorMessages], errors: { ...this.errors } };
  }
}

export const badRequest = (messages: readonly string[], errors: Record<string, string> = {}): JiraError =>
  new JiraError(400, messages, errors);

export const fieldErrors = (errors: Record<string, string>): JiraError => new JiraError(400, [], errors);

export const issueNotFound = (): JiraError => new JiraError(404, ['Issue does not exist or you do not have permission to see it.']);

/** Thrown by a "drop" fault; the HTTP server destroys the socket, in-process callers see a rejected request. */
export class SimulatedConnectionDrop extends Error {
  constructor(readonly route: string) {
    super(`jira-sim: connection dropped by fault injection on ${route}`);
    this.name = 'SimulatedConnectionDrop';
  }
}
