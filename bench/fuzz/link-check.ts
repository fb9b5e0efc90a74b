/**
 * After the decoders, the engine around them: a RoseLink fed garbage (the fuzzer's own kind of
 * input, framed and unframed) must still answer a valid invoke that follows, on the server side,
 * and a client link must still complete its invocation. Returns what went wrong, or nothing.
 */
import fc from "fast-check";
import { writeAarq } from "../../protocols/acse/index.js";
import { BerWriter } from "../../protocols/ber/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  monitorStart,
} from "../../protocols/csta/index.js";
import { encodeFrame, FrameDecoder } from "../../protocols/framing/index.js";
import {
  type LinkState,
  RoseLink,
  readRoseApdu,
  writeInvoke,
  writeReturnResult,
} from "../../protocols/rose/index.js";

/** Read through a function: TypeScript would keep `state` narrowed across the awaits otherwise. */
const isClosed = (link: { state: LinkState }): boolean => link.state === "closed";

const ber = (write: (w: BerWriter) => void) => {
  const w = new BerWriter();
  write(w);
  return w.toBuffer();
};

/** A server link, associated, then fed `garbage` and a valid invoke: does the result come back? */
export async function serverSurvives(garbage: Uint8Array): Promise<string | undefined> {
  const answers: string[] = [];
  const decoder = new FrameDecoder({
    frame: (body) => {
      if (body[0] === 0xa2) answers.push(`result ${readRoseApdu(body).invokeId}`);
    },
    garbage: () => {},
  });
  const link: RoseLink<CstaFailure> = new RoseLink(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec, partialFrameTimeoutMs: 20 },
    {
      output: (b) => decoder.push(b),
      associationRequested: (aarq) => link.accept(aarq.applicationContext),
      invoked: (op, id) => {
        if (op === monitorStart) link.reply(id, monitorStart, { crossRefId: "x" });
      },
    },
  );
  link.feed(encodeFrame(ber((w) => writeAarq(w, { applicationContext: CSTA_APPLICATION_CONTEXT }))));
  link.feed(garbage);
  if (isClosed(link)) return undefined; // garbage that aborts the association is a valid outcome
  link.feed(
    encodeFrame(
      ber((w) => writeInvoke(w, 4242, monitorStart.opcode, monitorStart.encodeArgument, { device: "1" })),
    ),
  );
  for (let i = 0; i < 50 && !answers.includes("result 4242") && !isClosed(link); i++)
    await new Promise((r) => setTimeout(r, 5));
  if (isClosed(link)) return undefined;
  return answers.includes("result 4242")
    ? undefined
    : `no answer after ${Buffer.from(garbage).toString("hex").slice(0, 120)}`;
}

/** A client link with an invocation pending, fed garbage then the result: does it complete? */
export async function clientSurvives(garbage: Uint8Array): Promise<string | undefined> {
  const link: RoseLink<CstaFailure> = new RoseLink(
    {
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      invokeTimeoutMs: 1000,
      partialFrameTimeoutMs: 20,
    },
    { output: () => {} },
  );
  link.state = "associated"; // the AARE is not what is tested here
  const done = link.invokeAsync(monitorStart, { device: "1" }).then(
    () => "ok",
    (e: Error) => e.message,
  );
  link.feed(garbage);
  if (isClosed(link)) return undefined;
  link.feed(
    encodeFrame(
      ber((w) =>
        writeReturnResult(w, 1, monitorStart.opcode, monitorStart.encodeResult, { crossRefId: "c" }),
      ),
    ),
  );
  // The link's own timers are unref'ed: a ref'ed one keeps the process alive while we wait.
  let keepAlive: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    done,
    new Promise<string>((resolve) => {
      keepAlive = setTimeout(() => resolve("no completion in 3 s"), 3000);
    }),
  ]);
  clearTimeout(keepAlive);
  if (isClosed(link)) return undefined;
  return r === "ok"
    ? undefined
    : `client invocation failed (${r}) after ${Buffer.from(garbage).toString("hex").slice(0, 120)}`;
}

/** `n` garbage inputs through both checks; the failures found. */
export async function linkChecks(n: number, seed: number): Promise<{ runs: number; failures: string[] }> {
  const samples = fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: n, seed });
  const failures: string[] = [];
  for (const g of samples) {
    for (const check of [serverSurvives, clientSurvives]) {
      const f = await check(g);
      if (f && failures.length < 5) failures.push(f);
    }
  }
  return { runs: samples.length * 2, failures };
}
