/* A loop the verifier walks until its 1M-instruction limit (each pass is a
 * new state: the counter differs). bench/verifier_million.sh times it. */
#include "verifier.h"
SEC("tc")
int million(struct __sk_buff *skb)
{
	__u32 s = 0;
	for (__u32 i = 0; i < 300000; i++)
		s += i ^ skb->len;
	return s & 1;
}
char LICENSE[] SEC("license") = "GPL";
