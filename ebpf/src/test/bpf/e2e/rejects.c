// Programs the verifier must refuse (each function is one case; the kernel's reason in brackets):
// pkt_no_bounds reads skb->data without comparing to data_end [invalid access to packet];
// pkt_write_in writes to the packet from lwt_in, which may only read it [cannot write into packet];
// tc_classid reads __sk_buff.tc_classid, hidden from LWT programs [invalid bpf_context access];
// store_bytes_in calls skb_store_bytes from lwt_in [unknown func bpf_skb_store_bytes];
// push_encap_out calls lwt_push_encap from lwt_out [unknown func bpf_lwt_push_encap];
// null_deref uses a hash map value without checking for NULL [invalid mem access 'map_value_or_null'];
// value_oob reads past the end of an 8-byte map value [invalid access to map value];
// uninit_key passes an uninitialised stack slot as the key [invalid read from stack]: only unprivileged
// loaders are refused this; Linux 6.18 accepts it from root (allow_uninit_stack), lwtemu refuses it always.
// array_const_key dereferences an ARRAY lookup with a constant in-range key without a NULL check: Linux 6.18
// knows such a lookup cannot fail and accepts it; lwtemu's verifier refuses it.
// accepted is the same shape done right and must load.
#include "../lwt/lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

SEC("lwt_xmit/pkt_no_bounds")
int pkt_no_bounds(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;

	return data[9] == IPPROTO_ICMP ? BPF_DROP : BPF_OK;
}

SEC("lwt_in/pkt_write_in")
int pkt_write_in(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (data + 20 > end)
		return BPF_OK;
	data[8] = 1;
	return BPF_OK;
}

SEC("lwt_xmit/tc_classid")
int tc_classid(struct __sk_buff *skb)
{
	return skb->tc_classid ? BPF_DROP : BPF_OK;
}

SEC("lwt_in/store_bytes_in")
int store_bytes_in(struct __sk_buff *skb)
{
	__u8 ttl = 1;

	bpf_skb_store_bytes(skb, 8, &ttl, 1, 0);
	return BPF_OK;
}

SEC("lwt_out/push_encap_out")
int push_encap_out(struct __sk_buff *skb)
{
	__u8 hdr[20] = {0x45};

	bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, hdr, sizeof(hdr));
	return BPF_OK;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hvals SEC(".maps");

SEC("lwt_xmit/null_deref")
int null_deref(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&hvals, &key);

	return *v ? BPF_DROP : BPF_OK;
}

SEC("lwt_xmit/array_const_key")
int array_const_key(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &key);

	return *v ? BPF_DROP : BPF_OK;
}

SEC("lwt_xmit/value_oob")
int value_oob(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &key);

	if (!v)
		return BPF_OK;
	return v[1] ? BPF_DROP : BPF_OK;
}

SEC("lwt_xmit/uninit_key")
int uninit_key(struct __sk_buff *skb)
{
	__u32 key;
	__u64 *v;

	asm volatile("" : "=m"(key));
	v = bpf_map_lookup_elem(&vals, &key);
	return v && *v ? BPF_DROP : BPF_OK;
}

SEC("lwt_xmit/accepted")
int accepted(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 key = 0;
	__u64 *v;

	if (data + 20 > end)
		return BPF_OK;
	v = bpf_map_lookup_elem(&vals, &key);
	if (v)
		*v += data[9];
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
