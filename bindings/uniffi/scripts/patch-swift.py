#!/usr/bin/env python3
"""Applies this SDK's two changes to the Swift that uniffi-bindgen generates
(uniffi =0.32.2; every anchor is checked, so a uniffi upgrade that moves them
fails here, loudly, instead of shipping unpatched code):

1. Cancellation. uniffi awaits a Rust future with `withUnsafeContinuation` and
   never calls the future's cancel function (mozilla/uniffi-rs issue 2771), so
   a cancelled Swift `Task` waits for the call to finish, retries included. The
   one helper every async method goes through, `uniffiRustCallAsync`, is
   replaced by one that runs its poll loop under `withTaskCancellationHandler`:
   on cancel it calls the future's `rust_future_cancel` (the poll loop wakes at
   once), throws `CancellationError`, and frees the future, which drops the call
   on the shared runtime: no further attempt is sent. Every call site gains its
   `cancelFunc:` argument. Every async method of this SDK already `throws`, so
   no signature changes.

2. `dump()`. A type exported with `Debug` prints its redacted text
   (`bindings/uniffi/src/text.rs`) for `description`, `debugDescription` and
   `String(reflecting:)`, but `dump()` reflects stored properties. Each such
   type gets a `CustomReflectable` conformance with no children, so `dump()`
   prints that same redacted line.

3. A check: every public type, method and function of the SDK carries a doc
   comment (uniffi copies the Rust doc comments); one without fails here.

Usage: patch-swift.py PartnerWebhooks.swift   (rewrites the file in place)
"""
import re
import sys
import textwrap

ORIGINAL_HELPER = """fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    freeFunc: (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    {init}()
    let rustFuture = rustFutureFunc()
    defer {
        freeFunc(rustFuture)
    }
{poll_loop}
    return try liftFunc(makeRustCall(
        { completeFunc(rustFuture, $0) },
        errorHandler: errorHandler
    ))
}
"""

# uniffi's poll loop, kept as it is (inside the cancellation handler in the patched helper).
POLL_LOOP = """    var pollResult: Int8;
    repeat {
        pollResult = await withUnsafeContinuation {
            pollFunc(
                rustFuture,
                { handle, pollResult in
                    uniffiFutureContinuationCallback(handle: handle, pollResult: pollResult)
                },
                uniffiContinuationHandleMap.insert(obj: $0)
            )
        }
    } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY
"""

CANCELLABLE_HELPER = """// partner-webhooks: cancellable (bindings/uniffi/scripts/patch-swift.py).
// A Rust future's handle is freed exactly once, and never cancelled after that:
// `cancel` (from the cancellation handler, on any thread) and `free` (when the
// call returns) take the same lock.
fileprivate final class UniffiRustFutureCancellation: @unchecked Sendable {
    private let lock = NSLock()
    let handle: UInt64
    private let cancelFunc: (UInt64) -> ()
    private var freed = false
    private var cancelled = false

    init(handle: UInt64, cancelFunc: @escaping (UInt64) -> ()) {
        self.handle = handle
        self.cancelFunc = cancelFunc
    }

    // Wakes the poll loop at once: the future reports itself ready, cancelled.
    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        if !freed {
            cancelled = true
            cancelFunc(handle)
        }
    }

    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    // Drops the Rust future, and with it the call on the shared runtime.
    func free(_ freeFunc: (UInt64) -> ()) {
        lock.lock()
        defer { lock.unlock() }
        freed = true
        freeFunc(handle)
    }
}

fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    cancelFunc: @escaping (UInt64) -> (),
    freeFunc: (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    {init}()
    let future = UniffiRustFutureCancellation(handle: rustFutureFunc(), cancelFunc: cancelFunc)
    defer {
        future.free(freeFunc)
    }
    let rustFuture = future.handle
    await withTaskCancellationHandler {
{poll_loop_indented}    } onCancel: {
        future.cancel()
    }
    if future.isCancelled {
        throw CancellationError()
    }
    return try liftFunc(makeRustCall(
        { completeFunc(rustFuture, $0) },
        errorHandler: errorHandler
    ))
}
"""

FREE_ARG = re.compile(r"(\n[ \t]*)freeFunc: (ffi_\w+?_rust_future_)free_(\w+),")
DEBUG_TYPE = re.compile(
    r"^(?:public struct|open class) (\w+)\s*:[^{\n]*\bCustomDebugStringConvertible\b", re.M
)


PUBLIC_ITEM = re.compile(
    r"^\s*(?:public (?:func|convenience init|static func|struct|enum|protocol)|open (?:class|func)) +(\w+)"
)
# uniffi's own plumbing, public only so that other generated modules can reach it.
PLUMBING = ("FfiConverter", "uniffi", "Uniffi", "NoHandle", "lift", "lower", "read", "write")


def undocumented(text: str) -> list:
    """The SDK's public items without a doc comment, as `line: declaration`."""
    lines = text.split("\n")
    missing = []
    for i, line in enumerate(lines):
        m = PUBLIC_ITEM.match(line)
        if not m or m.group(1).startswith(PLUMBING) or m.group(1).endswith(("_lift", "_lower")):
            continue
        j = i - 1
        while j >= 0 and (not lines[j].strip() or lines[j].strip().startswith(("@", "#"))):
            j -= 1
        if not lines[j].strip().startswith(("///", "*/", "/**", "*")):
            missing.append(f"{i + 1}: {line.strip()[:80]}")
    return missing


def patch(text: str) -> str:
    init = re.search(r"\n    (uniffiEnsure\w+Initialized)\(\)\n    let rustFuture = rustFutureFunc\(\)", text)
    if not init:
        sys.exit("patch-swift: uniffiRustCallAsync not found (uniffi changed: re-check this patch)")
    original = ORIGINAL_HELPER.replace("{init}", init.group(1)).replace("{poll_loop}", POLL_LOOP)
    if text.count(original) != 1:
        sys.exit("patch-swift: uniffiRustCallAsync differs from uniffi 0.32.2's (re-check this patch)")
    missing = undocumented(text)
    if missing:
        sys.exit("patch-swift: public items without a doc comment (document them in bindings/uniffi/src):\n  " + "\n  ".join(missing))
    cancellable = CANCELLABLE_HELPER.replace("{init}", init.group(1))
    text = text.replace(original, cancellable.replace("{poll_loop_indented}", textwrap.indent(POLL_LOOP, "    ")))

    calls = text.count("await uniffiRustCallAsync(")
    text, args = FREE_ARG.subn(r"\1cancelFunc: \2cancel_\3,\1freeFunc: \2free_\3,", text)
    if calls == 0 or args != calls:
        sys.exit(f"patch-swift: {calls} async calls but {args} freeFunc arguments")

    types = DEBUG_TYPE.findall(text)
    if not types:
        sys.exit("patch-swift: no type exported with Debug (bindings/uniffi/src/text.rs)")
    text += "\n// partner-webhooks: dump() prints the redacted text (bindings/uniffi/scripts/patch-swift.py).\n"
    for name in types:
        text += (
            f"extension {name}: CustomReflectable {{\n"
            f"    public var customMirror: Mirror {{ Mirror(self, children: [:]) }}\n"
            f"}}\n"
        )
    print(f"patch-swift: {calls} async calls cancellable; dump() redacted for {', '.join(types)}")
    return text


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if "partner-webhooks: cancellable" in text:
        sys.exit(f"patch-swift: {path} is already patched")
    with open(path, "w", encoding="utf-8") as f:
        f.write(patch(text))


if __name__ == "__main__":
    main()
