// Loader test object: static and global subprograms in .text, nested bpf-to-bpf calls, a callback
// passed to bpf_loop (ld_imm64 BPF_PSEUDO_FUNC) and two programs in one section.
// variants: v1 v2 v4 nodebug
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) __u32 add3(__u32 x)
{
	return x + 3;
}

static __attribute__((noinline)) __u32 twice_add3(__u32 x)
{
	return add3(x) * 2;
}

__attribute__((noinline)) int global_mix(__u32 a, __u32 b)
{
	return twice_add3(a) ^ b;
}

struct loop_ctx {
	__u32 sum;
};

static int loop_step(__u32 index, void *data)
{
	struct loop_ctx *c = data;
	c->sum += index;
	return 0;
}

SEC("lwt_xmit")
int calls_xmit(struct __sk_buff *skb)
{
	struct loop_ctx c = { .sum = 0 };
	bpf_loop(4, loop_step, &c, 0);
	skb->mark = global_mix(skb->mark, c.sum);
	return BPF_OK;
}

/* Two programs in one section: libbpf splits them by function symbol. */
SEC("lwt_out")
int out_first(struct __sk_buff *skb)
{
	skb->priority = add3(skb->priority);
	return BPF_OK;
}

SEC("lwt_out")
int out_second(struct __sk_buff *skb)
{
	return skb->len > 1000 ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
