// Loader test object: a program in a section whose name implies no program type (needs an override).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("my_router_prog")
int custom(struct __sk_buff *skb)
{
	skb->mark = 42;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
