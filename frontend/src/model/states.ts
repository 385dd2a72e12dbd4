// RFC 9293 state names and the names Linux prints (ss, /proc/net/tcp), which students meet when
// they look at a real machine: shown on hover.

const LINUX: Record<string, string> = {
  CLOSED: "CLOSE",
  LISTEN: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RECEIVED: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  FIN_WAIT_1: "FIN_WAIT1",
  FIN_WAIT_2: "FIN_WAIT2",
  CLOSE_WAIT: "CLOSE_WAIT",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
};

export function linuxStateName(state: string): string {
  return LINUX[state] ?? state;
}

/**
 * The RFC's own spelling (SYN-SENT, TIME-WAIT), used in its prose and our narration; the diagram,
 * the table and the API spell states with underscores (SYN_SENT) and show this one on hover.
 */
export function rfcStateName(state: string): string {
  return state.replace(/_/g, "-");
}
