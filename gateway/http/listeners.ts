/**
 * The HTTPS and plain-HTTP servers' limits. fastify's own timeout options do not reach a server
 * made by `serverFactory`, and Node's defaults let a client hold a connection for minutes (a
 * slow request head, a slow body, a TCP connection that never starts TLS or never sends a byte):
 * each is bounded here, on both listeners, with a cap on connections. Node times a request head
 * from the moment the connection opens, so a silent connection is a head that never comes.
 */
import type http from "node:http";
import type https from "node:https";
import type { GatewayConfig } from "../config/index.js";

type Limits = GatewayConfig["http"];

/** Options for http.createServer and https.createServer alike. */
export function serverOptions(
  limits: Limits,
): http.ServerOptions & Pick<https.ServerOptions, "handshakeTimeout"> {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // Counts until the request (head and body) is in: a long response such as the event chunk
    // channel, whose request is complete at once, is not cut by it.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node looks for overdue requests this often (30 s by default): a fraction of the shortest limit.
    connectionsCheckingInterval: Math.max(
      50,
      Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
    ),
    // A TCP connection that never completes its TLS handshake is one more slow request head.
    handshakeTimeout: limits.headersTimeoutMs,
  };
}

/** What cannot be given at creation: the connection cap. */
export function limitServer<S extends http.Server>(server: S, limits: Limits): S {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}
