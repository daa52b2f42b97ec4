// The receive queues of the stack's endpoints: what the guest has not read yet is kernel memory
// the guest made the instance hold, so it is charged to the instance's bound (as Linux charges
// socket buffers to the memory cgroup), besides each socket's own SO_RCVBUF.
#include "services/net/inet_stack.h"

#include <algorithm>

namespace asterix::services::inet {

namespace {

/// What a queued datagram costs besides its bytes (Linux counts the sk_buff's truesize).
constexpr usize datagram_overhead_bytes = 512;

usize cost_of(const Datagram& datagram) { return datagram.bytes.size() + datagram_overhead_bytes; }

} // namespace

bool TcpConnection::queue_received(std::span<const u8> bytes)
{
    if (m_received_charge.grow(bytes.size()).is_error())
        return false;
    received.insert(received.end(), bytes.begin(), bytes.end());
    return true;
}

void TcpConnection::take_received(usize bytes)
{
    bytes = std::min(bytes, received.size());
    received.erase(received.begin(), received.begin() + static_cast<long>(bytes));
    m_received_charge.shrink(bytes);
}

bool UdpPort::queue_received(Datagram datagram)
{
    // Linux drops only once the queue holds more than its buffer's worth, so a datagram
    // larger than SO_RCVBUF still arrives at an empty socket.
    if (received_bytes + received.size() * datagram_overhead_bytes > receive_limit_bytes)
        return false;
    if (m_received_charge.grow(cost_of(datagram)).is_error())
        return false;
    received_bytes += datagram.bytes.size();
    received.push_back(std::move(datagram));
    return true;
}

void UdpPort::take_received()
{
    if (received.empty())
        return;
    received_bytes -= received.front().bytes.size();
    m_received_charge.shrink(cost_of(received.front()));
    received.pop_front();
}

} // namespace asterix::services::inet
