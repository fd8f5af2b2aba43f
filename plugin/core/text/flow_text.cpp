#include "text/flow_text.hpp"

#include "text/describe.hpp"
#include "text/ladder_labels.hpp"

namespace tcplife {

std::string flow_label(std::uint16_t flags, const Annotation &annotation)
{
    return ladder::flags_text(flags) + info_marks(annotation).data();
}

std::string flow_comment(const Annotation &annotation)
{
    const std::string client = std::string("client ") + state_name(annotation.client_after);
    const std::string server = std::string("server ") + state_name(annotation.server_after);
    return annotation.sender == Role::Server ? server + ", " + client : client + ", " + server;
}

} // namespace tcplife
