/**
 * The last resort, in a process of its own (vitest keeps its own handlers in this one): an error
 * thrown from a timer and a rejected promise nobody awaits are logged, and the process serves on.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const script = `
import { installLastResort } from ${JSON.stringify(fileURLToPath(new URL("./last-resort.ts", import.meta.url)))};
const lines = [];
const lr = installLastResort({ error: (o, msg) => lines.push(msg.split("\\n")[0]) });
setTimeout(() => { throw new Error("BerWriter: 4 element(s) still open"); }, 1);
setTimeout(() => { Promise.reject(new RangeError("a link callback failed")); }, 2);
setTimeout(() => { console.log(JSON.stringify({ caught: lr.caught, lines })); }, 50);
`;

it("logs what escaped every handler and keeps the process running", async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  expect(JSON.parse(out)).toEqual({
    caught: 2,
    lines: [
      "uncaught exception kept from stopping the gateway: Error: BerWriter: 4 element(s) still open",
      "unhandled rejection kept from stopping the gateway: RangeError: a link callback failed",
    ],
  });
});
