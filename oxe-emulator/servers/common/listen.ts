/** The plain TCP listener every node server (CSTA, CMIP, SSH, IMAP) opens and closes alike. */
import net from "node:net";

/** Listens and resolves with the server and the port it got (0 asks the system for a free one). */
export async function listenTcp(
  onSocket: (socket: net.Socket) => void,
  port: number,
  host: string,
): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Stops listening; resolves once the server has closed (connections still open stay open). */
export function closeTcp(server: net.Server | undefined): Promise<void> {
  return server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
}
