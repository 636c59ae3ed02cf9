/** How a job hands control back to the orchestrator between setup and measurement. */
export interface Phases {
  /** Reports setup done and resolves when the orchestrator has started measuring. */
  ready(): Promise<void>;
  /** Resolves when the orchestrator begins restarting the server (reconnect-storm). */
  readonly mark: Promise<void>;
  /** Reports this generator's clients back and resolves once every generator's are (reconnect-storm). */
  back(): Promise<void>;
}
