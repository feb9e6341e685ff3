import Foundation

/// Wakes tasks waiting for the log to grow past a sequence.
///
/// `@unchecked Sendable`: all state is guarded by `lock`.
final class HeadNotifier: @unchecked Sendable {
    private let lock = NSLock()
    private var head: UInt64
    private var waiters: [Int: (beyond: UInt64, waiter: Waiter)] = [:]
    private var nextToken = 0

    init(head: UInt64) {
        self.head = head
    }

    func advance(to newHead: UInt64) {
        lock.lock()
        head = max(head, newHead)
        let ready = waiters.filter { $0.value.beyond < head }
        for token in ready.keys { waiters[token] = nil }
        lock.unlock()
        for (_, entry) in ready { entry.waiter.wake() }
    }

    /// Returns when the head passes `sequence`, after `timeout`, or on cancellation.
    func wait(beyond sequence: UInt64, timeout: Duration) async {
        let waiter = Waiter()
        let token: Int? = lock.withLock {
            if head > sequence { return nil }
            defer { nextToken += 1 }
            waiters[nextToken] = (sequence, waiter)
            return nextToken
        }
        guard let token else { return }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            waiter.wake()
        }
        await withTaskCancellationHandler {
            await waiter.wait()
        } onCancel: {
            waiter.wake()
        }
        timer.cancel()
        lock.withLock { waiters[token] = nil }
    }
}

/// A one-shot wake-up that may be triggered before or after someone waits.
private final class Waiter: @unchecked Sendable {
    private let lock = NSLock()
    private var woken = false
    private var continuation: CheckedContinuation<Void, Never>?

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyWoken = lock.withLock {
                if !woken { self.continuation = continuation }
                return woken
            }
            if alreadyWoken { continuation.resume() }
        }
    }

    func wake() {
        lock.lock()
        woken = true
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume()
    }
}

/// The log from a position on, forever: reads what is there in batches, then
/// waits for appends. It ends (returns nil) only when the task is cancelled.
public struct FollowSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let log: EventLog
    let start: UInt64

    public struct AsyncIterator: AsyncIteratorProtocol {
        let log: EventLog
        var next: UInt64
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while index == buffer.count {
                if Task.isCancelled { return nil }
                buffer = try log.events(from: next, limit: 1024)
                index = 0
                if let last = buffer.last {
                    next = last.sequence + 1
                } else {
                    // Polling now and then also sees appends by other processes.
                    await log.notifier.wait(beyond: next - 1, timeout: .milliseconds(250))
                }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(log: log, next: start)
    }
}
