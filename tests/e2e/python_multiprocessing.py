"""python multiprocessing end to end: shared_memory (shm_open under /dev/shm), a ShareableList,
a Pool of worker processes (pipes, named semaphores, fork) and a shared Value under a Lock.
Every line printed is deterministic, so the output under asterix must equal the native one."""
from multiprocessing import Lock, Pool, Process, Value, shared_memory


def square(x):
    return x * x


def add_many(counter, lock, times):
    for _ in range(times):
        with lock:
            counter.value += 1


def write_into(name):
    block = shared_memory.SharedMemory(name=name)
    block.buf[0:5] = b"child"
    block.close()


if __name__ == "__main__":
    block = shared_memory.SharedMemory(create=True, size=4096)
    block.buf[0:5] = b"hello"
    other = shared_memory.SharedMemory(name=block.name)
    print("same bytes:", bytes(other.buf[0:5]))
    child = Process(target=write_into, args=(block.name,))
    child.start()
    child.join(30)
    print("child wrote:", bytes(block.buf[0:5]), "exit", child.exitcode)
    other.close()
    block.close()
    block.unlink()

    numbers = shared_memory.ShareableList([1, 2.5, "three", b"four", None])
    numbers[0] = 10
    print("shareable list:", list(numbers))
    numbers.shm.close()
    numbers.shm.unlink()

    with Pool(3) as pool:
        print("pool map:", pool.map(square, range(12)))
        print("pool apply:", pool.apply_async(square, (7,)).get(30))

    counter = Value("i", 0)
    lock = Lock()
    workers = [Process(target=add_many, args=(counter, lock, 200)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    print("counter:", counter.value)
