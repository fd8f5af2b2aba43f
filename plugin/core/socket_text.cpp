#include "socket_text.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdio>

namespace tcplife {

AddressText address_text(const Address &address)
{
    AddressText text{};
    const int family = address.family == 4 ? AF_INET : address.family == 6 ? AF_INET6 : AF_UNSPEC;
    if (family == AF_UNSPEC || inet_ntop(family, address.bytes.data(), text.data(), text.size()) == nullptr)
        text = AddressText{'?'};
    return text;
}

SocketText socket_text(const SocketAddress &socket)
{
    SocketText text{};
    const AddressText address = address_text(socket.address);
    std::snprintf(text.data(), text.size(), socket.address.family == 6 ? "[%s]:%u" : "%s:%u", address.data(),
                  socket.port);
    return text;
}

} // namespace tcplife
