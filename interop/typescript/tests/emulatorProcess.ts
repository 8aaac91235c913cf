// Starts the Python emulator on a loopback port for the end-to-end tests and guarantees it is stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface RunningEmulator {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const REPO_ROOT = resolve(PACKAGE_ROOT, "../..");

/** $PYTHON (relative to the current directory, or a command on PATH), else the repo's .venv. */
function pythonExecutable(): string {
  const fromEnv = process.env["PYTHON"];
  if (fromEnv === undefined || fromEnv === "") return resolve(PACKAGE_ROOT, "../../.venv/bin/python");
  return isAbsolute(fromEnv) || !fromEnv.includes("/") ? fromEnv : resolve(fromEnv);
}

const live = new Set<ChildProcess>();
// Last resort when a test run dies without its after() hook: never leave an emulator behind.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startEmulator(extraArgs: readonly string[] = [], startupTimeoutMs = 30_000): Promise<RunningEmulator> {
  const python = pythonExecutable();
  const child = spawn(python, ["-m", "wechatpay_emulator", "--port", "0", ...extraArgs], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  exited.then(() => live.delete(child), () => undefined);

  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const forced = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(forced);
  };

  const lines = createInterface({ input: child.stdout! });
  try {
    let timer: NodeJS.Timeout | undefined;
    const baseUrl = await new Promise<string>((done, fail) => {
      timer = setTimeout(() => fail(new Error(`no base URL within ${startupTimeoutMs} ms`)), startupTimeoutMs);
      child.once("error", (error) => fail(new Error(`cannot run ${python}: ${error.message}`)));
      child.once("exit", (code) => fail(new Error(`emulator exited with ${code} before printing its URL`)));
      lines.once("line", (line) => done(line.trim()));
    }).finally(() => clearTimeout(timer));
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) throw new Error(`unexpected first line ${JSON.stringify(baseUrl)}`);
    // Keep draining stdout: an emulator blocked on a full pipe would hang the tests.
    lines.on("line", () => undefined);
    return { baseUrl, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- emulator stderr ---\n${stderr}`);
  }
}
