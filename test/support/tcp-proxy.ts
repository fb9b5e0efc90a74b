/**
 * A loopback TCP proxy that can cut the network the way a partition does: `partition()` closes
 * the server-side sockets (the server sees its client gone) and leaves the client-side ones
 * open and silent (the client sees nothing at all: no FIN, no RST, no answer).
 */
import net from "node:net";

export interface PartitionProxy {
  readonly port: number;
  /** connections forwarded so far */
  readonly connections: number;
  /** cut every connection open now, as described above; new ones are still forwarded */
  partition(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  const silenced = new Set<net.Socket>();
  let connections = 0;
  const srv = net.createServer((client) => {
    connections++;
    const server = net.connect(target.port, target.host);
    const pair = { client, server };
    pairs.add(pair);
    client.pipe(server);
    server.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      if (!silenced.has(client)) client.destroy();
      server.destroy();
    };
    client.on("error", drop);
    server.on("error", drop);
    client.on("close", drop);
    server.on("close", drop);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return {
    port: (srv.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    partition() {
      for (const { client, server } of [...pairs]) {
        silenced.add(client);
        client.unpipe(server);
        server.unpipe(client);
        // What the client sends from now on goes nowhere, and nothing comes back.
        client.removeAllListeners("data");
        client.on("data", () => undefined);
        client.on("error", () => undefined);
        server.destroy();
      }
    },
    async close() {
      for (const c of silenced) c.destroy();
      for (const { client, server } of pairs) {
        client.destroy();
        server.destroy();
      }
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
