#include "text/socket_text.hpp"

#include "text/text.hpp"

#include <cstring>

namespace tcplife {
namespace {

template <typename Text> Text copy_of(const TextBuilder &built)
{
    Text text{};
    std::memcpy(text.data(), built.c_str(), built.size() < text.size() ? built.size() : text.size() - 1);
    return text;
}

} // namespace

AddressText address_text(const Address &address)
{
    return copy_of<AddressText>(TextBuilder().add_address(address));
}

SocketText socket_text(const SocketAddress &socket)
{
    return copy_of<SocketText>(TextBuilder().add_socket(socket));
}

} // namespace tcplife
