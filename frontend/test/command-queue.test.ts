import { describe, expect, it } from "vitest";
import { CommandQueue } from "../src/app/command-queue";

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("the page's commands", () => {
  it("start in the order they were given, each after the previous one was answered", async () => {
    const q = new CommandQueue();
    const started: string[] = [];
    const listen = deferred<string>();
    const first = q.enqueue(() => {
      started.push("listen");
      return listen.promise;
    });
    const second = q.enqueue(async () => {
      started.push("connect");
      return "connected";
    });
    await tick();
    expect(started).toEqual(["listen"]);
    listen.resolve("listening");
    expect(await first).toBe("listening");
    expect(await second).toBe("connected");
    expect(started).toEqual(["listen", "connect"]);
  });

  it("go on after a refused one, which settles as refused", async () => {
    const q = new CommandQueue();
    const refused = q.enqueue(() => Promise.reject(new Error("409")));
    const next = q.enqueue(async () => "ran");
    await expect(refused).rejects.toThrow("409");
    expect(await next).toBe("ran");
  });
});
