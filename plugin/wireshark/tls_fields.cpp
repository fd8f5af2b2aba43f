#include "tls_fields.hpp"

#include "capture_time.hpp"
#include "compat.hpp"

#include <epan/proto.h>

#include <cstring>
#include <iterator>

namespace tcplife::wireshark {
namespace {

// Every field registered under one filter name ("tls.record" is TLS's record and
// SSLv2's record header): a filter on the name matches any of them, and so does tcplife.
struct Field {
    static constexpr int most = 4;
    int ids[most] = {-1, -1, -1, -1};
};

struct TlsFieldIds {
    Field record;            // tls.record: one record, its bytes
    Field content_type;      // tls.record.content_type
    Field opaque_type;       // tls.record.opaque_type: a TLS 1.3 record's outer type
    Field handshake_type;    // tls.handshake.type
    Field random;            // tls.handshake.random
    Field session_id;        // tls.handshake.session_id
    Field supported_version; // tls.handshake.extensions.supported_version
    Field legacy_version;    // tls.handshake.version
    Field cipher_suite;      // tls.handshake.ciphersuite
    Field server_name;       // tls.handshake.extensions_server_name
    Field alpn;              // tls.handshake.extensions_alpn_str
    Field alert_description; // tls.alert_message.desc
    Field key_share_group;   // tls.handshake.extensions_key_share_group
    Field named_curve;       // tls.handshake.server_named_curve
    Field psk_selected;      // tls.handshake.extensions.psk.identity.selected
    Field retransmission[3]; // TCP's analysis of the segment
};
TlsFieldIds tls_ids;
// Every registration of those fields, -1 after the last: what tls_wanted_fields names.
int primed_ids[64] = {-1};

// RFC 5246 section 6.2.1 content types.
constexpr unsigned change_cipher_spec = 20, alert = 21, handshake = 22, application_data = 23;

Field field(const char *name)
{
    Field found;
    header_field_info *info = proto_registrar_get_byname(name);
    while (info != nullptr && info->same_name_prev_id >= 0)
        info = proto_registrar_get_nth(static_cast<guint>(info->same_name_prev_id));
    for (int i = 0; info != nullptr && i < Field::most; info = info->same_name_next)
        found.ids[i++] = info->id;
    return found;
}

// Calls visit(item) for each item of the field in the tree, in the order each of its
// registrations added them; stops when visit returns false.
template <class Visit>
void for_each_item(proto_tree *tree, const Field &field, Visit visit)
{
    for (const int id : field.ids) {
        if (id < 0)
            continue;
        GPtrArray *found = proto_get_finfo_ptr_array(tree, id);
        for (guint i = 0; found != nullptr && i < found->len; ++i)
            if (!visit(static_cast<const field_info *>(g_ptr_array_index(found, i))))
                return;
    }
}

bool inside(const field_info *item, const field_info *record)
{
    return item->ds_tvb == record->ds_tvb && item->start >= record->start &&
           item->start < record->start + record->length;
}

// The first item of the field inside `record`, or null.
const field_info *item_inside(proto_tree *tree, const Field &field, const field_info *record)
{
    const field_info *first = nullptr;
    for_each_item(tree, field, [&](const field_info *item) {
        if (inside(item, record))
            first = item;
        return first == nullptr;
    });
    return first;
}

// Copies an item's bytes where TLS dissected them; false when they were not captured.
bool item_bytes(const field_info *item, std::uint8_t *out, std::size_t size)
{
    if (item->length < 0 || static_cast<std::size_t>(item->length) > size || item->ds_tvb == nullptr)
        return false;
    if (item->start < 0 || tvb_captured_length(item->ds_tvb) < static_cast<guint>(item->start + item->length))
        return false;
    tvb_memcpy(item->ds_tvb, out, item->start, static_cast<std::size_t>(item->length));
    return true;
}

struct RawTls { // plain data while Wireshark's functions run (they may longjmp)
    TlsMessages messages;
    bool lists_tls13 = false;
    bool retransmission = false;
    TlsSessionId session_id;
    std::uint16_t legacy_version = 0, supported_version = 0, cipher_suite = 0;
    bool has_cipher_suite = false;
    TlsServerName server_name;
    TlsProtocolName alpn;
    std::uint8_t alert_description = 0, last_alert_description = 0;
    bool has_alert = false;
    std::uint32_t group = 0;
    bool has_group = false;
    bool psk_selected = false;
};

// The field's first value in the tree; false when it has none.
bool first_uint(proto_tree *tree, const Field &field, std::uint32_t *out)
{
    bool found = false;
    for_each_item(tree, field, [&](const field_info *item) {
        *out = compat::uint_value(item);
        found = true;
        return false;
    });
    return found;
}

// The field's first string, from the bytes TLS dissected it from.
template <std::size_t Capacity>
void first_name(proto_tree *tree, const Field &field, TlsName<Capacity> *out)
{
    for_each_item(tree, field, [&](const field_info *item) {
        char bytes[Capacity] = {};
        if (item_bytes(item, reinterpret_cast<std::uint8_t *>(bytes), Capacity - 1))
            out->assign(bytes, static_cast<std::size_t>(item->length));
        return false;
    });
}

void read_record(proto_tree *tree, const field_info *record, RawTls *raw)
{
    const field_info *type = item_inside(tree, tls_ids.content_type, record);
    if (type == nullptr)
        type = item_inside(tree, tls_ids.opaque_type, record);
    const unsigned content = type != nullptr ? compat::uint_value(type) : 0;
    switch (content) {
    case change_cipher_spec: raw->messages.add(TlsMessage::ChangeCipherSpec); return;
    case alert: raw->messages.add(TlsMessage::Alert); return;
    case application_data: raw->messages.add(TlsMessage::ApplicationData); return;
    case handshake: break;
    default: return;
    }
    bool any = false;
    for_each_item(tree, tls_ids.handshake_type, [&](const field_info *item) {
        if (!inside(item, record))
            return true;
        any = true;
        TlsMessage message = handshake_message(static_cast<std::uint8_t>(compat::uint_value(item)));
        std::uint8_t random[32];
        const field_info *random_item = item_inside(tree, tls_ids.random, record);
        if (message == TlsMessage::ServerHello && random_item != nullptr &&
            item_bytes(random_item, random, sizeof random) && is_hello_retry_random(random))
            message = TlsMessage::HelloRetryRequest;
        raw->messages.add(message);
        return true;
    });
    if (!any)
        raw->messages.add(TlsMessage::EncryptedHandshake);
}

void read_hello_facts(proto_tree *tree, RawTls *raw)
{
    for_each_item(tree, tls_ids.supported_version, [&](const field_info *item) {
        raw->lists_tls13 = raw->lists_tls13 || is_tls13_version(static_cast<std::uint16_t>(compat::uint_value(item)));
        return true;
    });
    for_each_item(tree, tls_ids.session_id, [&](const field_info *item) {
        if (item_bytes(item, raw->session_id.bytes.data(), raw->session_id.bytes.size()))
            raw->session_id.length = static_cast<std::uint8_t>(item->length);
        return false;
    });
    std::uint32_t value = 0;
    if (first_uint(tree, tls_ids.legacy_version, &value))
        raw->legacy_version = static_cast<std::uint16_t>(value);
    if (first_uint(tree, tls_ids.supported_version, &value))
        raw->supported_version = static_cast<std::uint16_t>(value);
    raw->has_cipher_suite = first_uint(tree, tls_ids.cipher_suite, &value);
    raw->cipher_suite = raw->has_cipher_suite ? static_cast<std::uint16_t>(value) : 0;
    raw->has_alert = first_uint(tree, tls_ids.alert_description, &value);
    raw->alert_description = raw->has_alert ? static_cast<std::uint8_t>(value) : 0;
    for_each_item(tree, tls_ids.alert_description, [&](const field_info *item) {
        raw->last_alert_description = static_cast<std::uint8_t>(compat::uint_value(item));
        return true;
    });
    raw->psk_selected = first_uint(tree, tls_ids.psk_selected, &value);
    raw->has_group = first_uint(tree, tls_ids.named_curve, &raw->group) ||
                     first_uint(tree, tls_ids.key_share_group, &raw->group);
    first_name(tree, tls_ids.server_name, &raw->server_name);
    first_name(tree, tls_ids.alpn, &raw->alpn);
    for (const Field &flag : tls_ids.retransmission)
        for_each_item(tree, flag, [&](const field_info *) {
            raw->retransmission = true;
            return false;
        });
}

// The name the field's value_string gives `value`.
const char *value_name(const Field &field, std::uint32_t value)
{
    const header_field_info *info = field.ids[0] >= 0 ? proto_registrar_get_nth(static_cast<guint>(field.ids[0])) : nullptr;
    if (info == nullptr || info->strings == nullptr)
        return "Unknown";
    if ((info->display & BASE_EXT_STRING) != 0)
        return val_to_str_ext_const(value, static_cast<value_string_ext *>(const_cast<void *>(info->strings)), "Unknown");
    if ((info->display & (BASE_RANGE_STRING | BASE_VAL64_STRING | BASE_CUSTOM | BASE_UNIT_STRING)) != 0)
        return "Unknown";
    return val_to_str_const(value, static_cast<const value_string *>(info->strings), "Unknown");
}


} // namespace

const char *tls_cipher_suite_name(std::uint16_t cipher_suite)
{
    return value_name(tls_ids.cipher_suite, cipher_suite);
}

const char *tls_alert_name(std::uint8_t description)
{
    return value_name(tls_ids.alert_description, description);
}

void find_tls_fields()
{
    tls_ids.record = field("tls.record");
    tls_ids.content_type = field("tls.record.content_type");
    tls_ids.opaque_type = field("tls.record.opaque_type");
    tls_ids.handshake_type = field("tls.handshake.type");
    tls_ids.random = field("tls.handshake.random");
    tls_ids.session_id = field("tls.handshake.session_id");
    tls_ids.supported_version = field("tls.handshake.extensions.supported_version");
    tls_ids.legacy_version = field("tls.handshake.version");
    tls_ids.cipher_suite = field("tls.handshake.ciphersuite");
    tls_ids.server_name = field("tls.handshake.extensions_server_name");
    tls_ids.alpn = field("tls.handshake.extensions_alpn_str");
    tls_ids.alert_description = field("tls.alert_message.desc");
    tls_ids.key_share_group = field("tls.handshake.extensions_key_share_group");
    tls_ids.named_curve = field("tls.handshake.server_named_curve");
    tls_ids.psk_selected = field("tls.handshake.extensions.psk.identity.selected");
    tls_ids.retransmission[0] = field("tcp.analysis.retransmission");
    tls_ids.retransmission[1] = field("tcp.analysis.fast_retransmission");
    tls_ids.retransmission[2] = field("tcp.analysis.spurious_retransmission");
    std::size_t primed = 0;
    for (const Field *wanted : {&tls_ids.record, &tls_ids.content_type, &tls_ids.opaque_type, &tls_ids.handshake_type,
                                &tls_ids.random, &tls_ids.session_id, &tls_ids.supported_version,
                                &tls_ids.legacy_version, &tls_ids.cipher_suite, &tls_ids.server_name, &tls_ids.alpn,
                                &tls_ids.alert_description, &tls_ids.key_share_group, &tls_ids.named_curve,
                                &tls_ids.psk_selected,
                                &tls_ids.retransmission[0], &tls_ids.retransmission[1],
                                &tls_ids.retransmission[2]})
        for (const int id : wanted->ids)
            if (id >= 0 && primed + 1 < std::size(primed_ids))
                primed_ids[primed++] = id;
    primed_ids[primed] = -1;
}


GArray *tls_wanted_fields()
{
    GArray *wanted = g_array_new(FALSE, FALSE, static_cast<guint>(sizeof(int)));
    for (int id : primed_ids) {
        if (id < 0)
            break;
        g_array_append_val(wanted, id);
    }
    return wanted;
}

TlsSegment read_tls_segment(packet_info *pinfo, proto_tree *tree, Role sender, std::uint32_t payload_length)
{
    RawTls raw;
    const bool carries_tls = tree != nullptr && proto_is_frame_protocol(pinfo->layers, "tls");
    if (carries_tls) {
        for_each_item(tree, tls_ids.record, [&](const field_info *record) {
            read_record(tree, record, &raw);
            return true;
        });
        read_hello_facts(tree, &raw);
    }
    TlsSegment segment;
    segment.sender = sender;
    segment.has_payload = payload_length > 0;
    segment.carries_tls = carries_tls;
    segment.retransmission = raw.retransmission;
    segment.messages = raw.messages;
    segment.lists_tls13 = raw.lists_tls13;
    segment.psk_selected = raw.psk_selected;
    segment.session_id = raw.session_id;
    segment.time_ns = frame_time_ns(pinfo);
    segment.legacy_version = raw.legacy_version;
    segment.supported_version = raw.supported_version;
    segment.cipher_suite = raw.cipher_suite;
    segment.has_cipher_suite = raw.has_cipher_suite;
    segment.server_name = raw.server_name;
    segment.alpn = raw.alpn;
    segment.alert_description = raw.alert_description;
    segment.has_alert = raw.has_alert;
    segment.last_alert_description = raw.last_alert_description;
    if (raw.has_alert) {
        const char *name = tls_alert_name(raw.alert_description);
        segment.alert_name.assign(name, std::strlen(name));
    }
    if (raw.has_cipher_suite) {
        const char *name = tls_cipher_suite_name(raw.cipher_suite);
        segment.cipher_suite_name.assign(name, std::strlen(name));
    }
    if (raw.has_group) {
        const char *name = value_name(tls_ids.key_share_group, raw.group);
        segment.group_name.assign(name, std::strlen(name));
    }
    return segment;
}

} // namespace tcplife::wireshark
