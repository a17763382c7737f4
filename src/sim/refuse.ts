/**
 * The `refuse` fault: the exchange's port stops listening, so new connections are refused
 * (ECONNREFUSED) and open ones are cut; clearing the fault listens on the same port again.
 */
import type http from 'node:http';
import type { Fault } from './faults.js';

export function refuseHandler(server: http.Server, host: string, port: () => number, cut: () => void): (fault: Fault) => void {
  let refusing = false;
  return (fault) => {
    if (fault.mode === 'refuse' && !refusing) {
      refusing = true;
      const p = port();
      server.close();
      server.closeAllConnections();
      cut();
      server.once('close', () => {
        if (!refusing) server.listen(p, host);
      });
      return;
    }
    if (fault.mode !== 'refuse' && refusing) {
      refusing = false;
      if (!server.listening) server.listen(port(), host);
    }
  };
}
