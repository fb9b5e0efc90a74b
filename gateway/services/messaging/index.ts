/**
 * Messaging (O2G's "VoiceMail" service): a user's 4645 mailbox. A user session acts on its own
 * mailbox (naming another user's is 403); an administrator names the user with `loginName`.
 *
 *   GET    /                                    {mailboxes: MailboxJson[]}
 *   POST   /{mailboxId}[?withUserPwd]           MailboxInfoJson; body {password} gives the
 *                                               mailbox password when it is not the user's
 *   GET    /{mailboxId}/voicemails?newOnly&offset&limit   {voicemails: VoiceMessageJson[]}, newest first
 *   GET    /{mailboxId}/voicemails/{id}          the recording, audio/wav; marks it heard. With
 *                                               `Range: bytes=a-b` (how the SDK acknowledges a
 *                                               message) only those bytes, 206.
 *   DELETE /{mailboxId}/voicemails?msgIds=1;2    all of them, or none when one does not exist
 *   DELETE /{mailboxId}/voicemails/{id}
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GwUser } from "../../domain/directory.js";
import {
  type ListOptions,
  MailboxInfoSchema,
  VoiceMailError,
  type VoiceMailService,
} from "../../domain/messaging/index.js";
import { badRequest, forbidden, notFound, O2gError, unavailable } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoBody } from "../common/schemas.js";
import {
  DeleteMessagesQuery,
  MailboxesAnswer,
  MailboxInfoBody,
  MailboxInfoQuery,
  MailboxParams,
  MessageParams,
  RecordingAnswer,
  VoiceMessagesAnswer,
  VoiceMessagesQuery,
} from "./schemas.js";

/** A 4645 mailbox password is a few digits; far more is no password, and no line IMAP carries. */
const MAX_MAILBOX_PASSWORD = 128;

export interface MessagingServiceOptions {
  voicemail: VoiceMailService;
}

/** What `owner` reads of a request, as the route schemas type it. */
type MailboxRequest = FastifyRequest & {
  params: { mailboxId: string };
  query: { loginName?: string | undefined };
};

function errorOf(err: unknown): unknown {
  if (!(err instanceof VoiceMailError)) return err;
  switch (err.failure) {
    case "noVoiceMail":
    case "noMessage":
      return notFound(err.message);
    case "noPassword":
    case "refused":
      return forbidden(err.message);
    case "unavailable":
      return unavailable(err.message);
  }
}

/** A single `bytes=` range (RFC 9110 14.1.2), resolved against `size`; null: unsatisfiable. */
export function byteRange(header: string, size: number): { start: number; end: number } | null | undefined {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined; // not a form we serve (several ranges, another unit): whole content
  const [a, b] = [m[1]!, m[2]!];
  if (a === "" && b === "") return undefined;
  if (a === "") {
    const n = Number(b);
    if (n === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return null;
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

export async function messagingService(
  fastify: FastifyInstance,
  options: MessagingServiceOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const vm = options.voicemail;

  const who = (req: FastifyRequest, loginName: string | undefined): GwUser =>
    targetUser(core, req, session(core, req), loginName);

  /** The caller's user, if `mailboxId` is that user's mailbox. */
  const owner = (req: MailboxRequest): GwUser => {
    const user = who(req, req.query.loginName);
    const id = req.params.mailboxId;
    const mine = vm.mailboxes(user).some((m) => m.id === id);
    if (mine) return user;
    const other = core.directory.byPhone(id);
    if (other && other !== user) throw forbidden(`mailbox ${id} is not ${user.loginName}'s`);
    throw notFound(
      `no mailbox ${id}${vm.hasVoiceMail(user) ? "" : ` (${user.loginName}'s node has no voice mail)`}`,
    );
  };

  const guarded = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw errorOf(err);
    }
  };

  app.get(
    "/",
    {
      schema: {
        summary: "The user's mailboxes",
        querystring: LoginNameQuery,
        response: { 200: MailboxesAnswer },
      },
    },
    async (req) => ({ mailboxes: vm.mailboxes(who(req, req.query.loginName)) }),
  );

  app.post(
    "/:mailboxId",
    {
      schema: {
        summary: "Opens the mailbox (the session's password, or the one given) and counts its messages",
        params: MailboxParams,
        querystring: MailboxInfoQuery,
        body: MailboxInfoBody,
        response: { 200: MailboxInfoSchema },
      },
    },
    async (req) => {
      const s = session(core, req);
      const user = owner(req);
      const body = req.body as unknown;
      if (body !== undefined && body !== null) {
        if (typeof body !== "object" || Array.isArray(body)) throw badRequest("the body must be {password}");
        const { password } = body as { password?: unknown };
        if (password !== undefined) {
          if (typeof password !== "string" || password === "")
            throw badRequest("password must be a non-empty text");
          // The 4645 drops a command line over its limit without a word: refuse here instead.
          if (password.length > MAX_MAILBOX_PASSWORD)
            throw badRequest(`password must be at most ${MAX_MAILBOX_PASSWORD} characters`);
          vm.remember(s.token, user.loginName, password);
        }
      }
      return guarded(() => vm.info(user));
    },
  );

  app.get(
    "/:mailboxId/voicemails",
    {
      schema: {
        summary: "The mailbox's voice messages, newest first",
        params: MailboxParams,
        querystring: VoiceMessagesQuery,
        response: { 200: VoiceMessagesAnswer },
      },
    },
    async (req) => {
      const user = owner(req);
      const q = req.query;
      const o: ListOptions = {
        newOnly: q.newOnly === "true" || q.newOnly === "",
        offset: q.offset ?? 0,
        limit: q.limit,
      };
      return { voicemails: await guarded(() => vm.messages(user, o)) };
    },
  );

  app.get(
    "/:mailboxId/voicemails/:voicemailId",
    {
      schema: {
        summary: "Downloads a voice message (audio/wav) and marks it heard; a Range gives those bytes only",
        params: MessageParams,
        querystring: LoginNameQuery,
        response: RecordingAnswer,
      },
    },
    async (req, reply) => {
      const user = owner(req);
      const id = req.params.voicemailId;
      const range = req.headers.range;
      reply.header("accept-ranges", "bytes");
      if (range !== undefined) {
        const wav = await guarded(() => vm.audioBytes(user, id));
        await guarded(() => vm.acknowledge(user, [id]));
        const r = byteRange(range, wav.length);
        if (r === null)
          throw new O2gError(416, `the recording has ${wav.length} bytes`, {
            type: "RANGE_NOT_SATISFIABLE",
            headers: { "content-range": `bytes */${wav.length}` },
          });
        if (r === undefined) return reply.type("audio/wav").send(wav);
        return reply
          .code(206)
          .type("audio/wav")
          .header("content-range", `bytes ${r.start}-${r.end}/${wav.length}`)
          .send(wav.subarray(r.start, r.end + 1));
      }
      const audio = await guarded(() => vm.audio(user, id));
      // Heard once handed over whole: the SDK's download is how an application plays a message.
      audio.once("end", () => {
        vm.acknowledge(user, [id]).catch((err: Error) =>
          req.log.warn(`voice message ${id} of ${user.loginName} sent but not marked heard: ${err.message}`),
        );
      });
      return reply
        .type("audio/wav")
        .header("content-disposition", `attachment; filename="voicemail-${id}.wav"`)
        .send(audio);
    },
  );

  app.delete(
    "/:mailboxId/voicemails",
    {
      schema: {
        summary: "Deletes voice messages: all of them, or none when one does not exist",
        params: MailboxParams,
        querystring: DeleteMessagesQuery,
        response: { 204: NoBody },
      },
    },
    async (req, reply) => {
      const user = owner(req);
      const ids = req.query.msgIds
        .split(/[;,]/)
        .map((x) => x.trim())
        .filter(Boolean);
      if (ids.length === 0) throw badRequest("msgIds names no voice message");
      await guarded(() => vm.remove(user, ids));
      return reply.code(204).send();
    },
  );

  app.delete(
    "/:mailboxId/voicemails/:voicemailId",
    {
      schema: {
        summary: "Deletes one voice message",
        params: MessageParams,
        querystring: LoginNameQuery,
        response: { 204: NoBody },
      },
    },
    async (req, reply) => {
      const user = owner(req);
      await guarded(() => vm.remove(user, [req.params.voicemailId]));
      return reply.code(204).send();
    },
  );
}
