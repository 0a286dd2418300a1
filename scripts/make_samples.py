"""Writes the bundled sample edition's feed snapshots (samples/feeds/*.xml).

The items are written by the whalewatch authors from public facts; each cites its source by
name and address. Run `python scripts/make_samples.py` after editing the table below.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parent.parent / "samples" / "feeds"

FEEDS = {
    "deepseek-news.xml": ("atom", "DeepSeek News (sample snapshot)", "https://api-docs.deepseek.com/", "en"),
    "arxiv-deepseek.xml": ("atom", "arXiv: DeepSeek (sample snapshot)", "https://arxiv.org/", "en"),
    "techwire.xml": ("rss", "Tech Wire (sample)", "https://techwire.example/", "en"),
    "policywatch.xml": ("rss", "China Policy Watch (sample)", "https://policywatch.example/", "en"),
    "chipsdaily.xml": ("atom", "Chip Controls Daily (sample)", "https://chipsdaily.example/", "en"),
    "zhineng.xml": ("rss", "智能观察（样例）", "https://zhineng.example.cn/", "zh-cn"),
    "longreads.xml": ("rss", "Long Reads on China AI (sample)", "https://longreads.example/", "en"),
    "marketdesk.xml": ("atom", "Market Desk (sample)", "https://marketdesk.example/", "en"),
    "roundup.xml": ("rss", "Link Roundup (sample)", "https://roundup.example/", "en"),
}

# (file, date-time with zone, title, link, summary)
ITEMS = [
    # ---- DeepSeek first-party --------------------------------------------------------------
    ("deepseek-news.xml", "2024-12-26T18:00:00+08:00", "Introducing DeepSeek-V3", "https://api-docs.deepseek.com/news/news1226",
     "DeepSeek-V3 is a 671B-parameter mixture-of-experts model with 37B parameters active per token. API prices at launch: $0.27 per million input tokens ($0.07 on cache hits) and $1.10 per million output tokens. Source: DeepSeek API docs, https://api-docs.deepseek.com/news/news1226"),
    ("deepseek-news.xml", "2025-01-20T20:00:00+08:00", "DeepSeek-R1 release", "https://api-docs.deepseek.com/news/news250120",
     "DeepSeek-R1, a reasoning model trained with large-scale reinforcement learning, is released with open weights under the MIT licence, together with R1-Zero and six distilled models. Source: DeepSeek API docs, https://api-docs.deepseek.com/news/news250120"),
    ("deepseek-news.xml", "2025-01-27T10:00:00+08:00", "Janus-Pro: unified multimodal understanding and generation, open weights", "https://github.com/deepseek-ai/Janus",
     "DeepSeek publishes Janus-Pro, a model that both reads and generates images, in 1B and 7B sizes. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/Janus"),
    ("deepseek-news.xml", "2025-02-24T09:00:00+08:00", "Open Source Week, day 1: FlashMLA", "https://github.com/deepseek-ai/FlashMLA",
     "First release of Open Source Week: FlashMLA, an efficient multi-head latent attention decoding kernel for Hopper GPUs. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/FlashMLA"),
    ("deepseek-news.xml", "2025-02-25T09:00:00+08:00", "Open Source Week, day 2: DeepEP", "https://github.com/deepseek-ai/DeepEP",
     "DeepEP, a communication library for expert parallelism in mixture-of-experts training and inference. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/DeepEP"),
    ("deepseek-news.xml", "2025-02-26T09:00:00+08:00", "Open Source Week, day 3: DeepGEMM", "https://github.com/deepseek-ai/DeepGEMM",
     "DeepGEMM, FP8 matrix-multiplication kernels used in V3 and R1 training and inference. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/DeepGEMM"),
    ("deepseek-news.xml", "2025-02-27T09:00:00+08:00", "Open Source Week, day 4: DualPipe and EPLB", "https://github.com/deepseek-ai/DualPipe",
     "Optimized parallelism strategies: DualPipe, a bidirectional pipeline-parallel schedule, and EPLB, an expert-parallel load balancer. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/DualPipe"),
    ("deepseek-news.xml", "2025-02-28T09:00:00+08:00", "Open Source Week, day 5: 3FS, the Fire-Flyer File System", "https://github.com/deepseek-ai/3FS",
     "3FS, a parallel file system for AI workloads, reached 6.6 TiB/s aggregate read throughput on a 180-node cluster. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/3FS"),
    ("deepseek-news.xml", "2025-03-01T09:00:00+08:00", "Open Source Week, day 6: an overview of the DeepSeek-V3/R1 inference system", "https://github.com/deepseek-ai/open-infra-index",
     "A closing overview of how DeepSeek serves V3 and R1: cross-node expert parallelism, overlapping computation and communication, and load balancing. Source: DeepSeek on GitHub, https://github.com/deepseek-ai/open-infra-index"),
    # ---- arXiv -------------------------------------------------------------------------------
    ("arxiv-deepseek.xml", "2024-08-26T00:00:00Z", "Fire-Flyer AI-HPC: A Cost-Effective Software-Hardware Co-Design for Deep Learning", "https://arxiv.org/abs/2408.14158v2",
     "Describes Fire-Flyer 2, built with 10,000 PCIe A100 GPUs, approaching DGX-A100 performance at about half the cost. Source: arXiv 2408.14158, https://arxiv.org/abs/2408.14158"),
    ("arxiv-deepseek.xml", "2024-12-27T00:00:00Z", "DeepSeek-V3 Technical Report", "https://arxiv.org/abs/2412.19437",
     "The V3 report: multi-head latent attention, DeepSeekMoE, auxiliary-loss-free load balancing and FP8 training on 2,048 H800 GPUs. Source: arXiv 2412.19437, https://arxiv.org/abs/2412.19437"),
    ("arxiv-deepseek.xml", "2025-01-22T00:00:00Z", "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning", "https://arxiv.org/abs/2501.12948",
     "The R1 paper: R1-Zero is trained by reinforcement learning (GRPO) without supervised fine-tuning; R1 adds a cold-start stage; smaller models are distilled from it. Source: arXiv 2501.12948, https://arxiv.org/abs/2501.12948"),
    ("arxiv-deepseek.xml", "2025-01-29T00:00:00Z", "Janus-Pro: Unified Multimodal Understanding and Generation with Data and Model Scaling", "https://arxiv.org/abs/2501.17811",
     "Paper for Janus-Pro, which decouples visual encoding for understanding and generation. Source: arXiv 2501.17811, https://arxiv.org/abs/2501.17811"),
    ("arxiv-deepseek.xml", "2025-02-16T00:00:00Z", "Native Sparse Attention: Hardware-Aligned and Natively Trainable Sparse Attention", "https://arxiv.org/abs/2502.11089",
     "DeepSeek researchers propose NSA, a sparse attention mechanism trained end to end for long contexts. Source: arXiv 2502.11089, https://arxiv.org/abs/2502.11089"),
    ("arxiv-deepseek.xml", "2025-02-26T00:00:00Z", "Replicating R1-Zero: GRPO on small models reaches the 'aha moment'", "https://arxiv.org/abs/2502.99001",
     "A (sample) replication study trains small base models with GRPO and reports emergent self-verification. Written for the whalewatch sample edition."),
    # ---- Tech Wire ---------------------------------------------------------------------------
    ("techwire.xml", "Mon, 20 Jan 2025 15:00:00 +0000", "DeepSeek releases R1 reasoning model with open weights", "https://techwire.example/2025/01/20/deepseek-r1-release/?utm_source=rss&utm_medium=feed",
     "The Hangzhou lab says R1 matches OpenAI's o1 on maths and coding benchmarks and publishes the weights under the MIT licence. Source: DeepSeek, https://api-docs.deepseek.com/news/news250120"),
    ("techwire.xml", "Mon, 27 Jan 2025 08:30:00 +0000", "DeepSeek app tops Apple's US App Store chart", "https://techwire.example/2025/01/27/deepseek-app-store/?utm_source=rss",
     "DeepSeek's free assistant, running R1, overtook ChatGPT as the most downloaded free app on the US App Store. Written from public reports of 27 January 2025."),
    ("techwire.xml", "Mon, 27 Jan 2025 22:00:00 +0000", "Nvidia loses about $589 billion in market value as DeepSeek rattles investors", "https://techwire.example/2025/01/27/nvidia-selloff/",
     "Nvidia shares fell about 17% in one session, the largest one-day loss of market value for a US company, as investors questioned AI spending. Written from public market data of 27 January 2025."),
    ("techwire.xml", "Tue, 28 Jan 2025 03:00:00 +0000", "Trump proposes tariffs of up to 100% on chips made in Taiwan", "https://techwire.example/2025/01/28/taiwan-chip-tariffs/#comments",
     "The US president said tariffs on imported semiconductors were coming, naming Taiwan. Source: The Verge, https://www.theverge.com/2025/1/27/24353388/trump-tariffs-chips-act-ai-deepseek"),
    ("techwire.xml", "Wed, 29 Jan 2025 18:00:00 +0000", "OpenAI says it has evidence DeepSeek distilled its models", "https://techwire.example/2025/01/29/openai-distillation-claim/",
     "OpenAI and Microsoft are reviewing whether DeepSeek used outputs of OpenAI models to train its own, a practice known as distillation. Written from public reports of 29 January 2025."),
    ("techwire.xml", "Wed, 29 Jan 2025 21:00:00 +0000", "Microsoft puts DeepSeek-R1 on Azure AI Foundry and GitHub", "https://techwire.example/2025/01/29/azure-r1/",
     "Despite the distillation review, Microsoft made R1 available to its cloud customers. Written from public reports of 29 January 2025."),
    ("techwire.xml", "Thu, 30 Jan 2025 12:00:00 +0000", "Italy's privacy regulator orders DeepSeek blocked", "https://techwire.example/2025/01/30/italy-garante-deepseek/",
     "The Garante ordered DeepSeek to stop processing Italians' data after the company's answers on data handling were found insufficient. Written from public reports of 30 January 2025."),
    ("techwire.xml", "Mon, 24 Feb 2025 06:00:00 +0000", "DeepSeek kicks off Open Source Week with FlashMLA", "https://techwire.example/2025/02/24/flashmla/amp/",
     "The first of five repositories is an attention decoding kernel for Nvidia Hopper GPUs. Source: https://github.com/deepseek-ai/FlashMLA"),
    ("techwire.xml", "Fri, 28 Feb 2025 07:00:00 +0000", "DeepSeek open-sources 3FS file system behind its training runs", "https://techwire.example/2025/02/28/3fs/",
     "3FS posted 6.6 TiB/s of aggregate read throughput on a 180-node cluster, DeepSeek says. Source: https://github.com/deepseek-ai/3FS"),
    ("techwire.xml", "Wed, 26 Feb 2025 10:00:00 +0000", "DeepSeek cuts API prices by up to 75% at night", "https://techwire.example/2025/02/26/deepseek-off-peak/",
     "Off-peak discounts apply between 16:30 and 00:30 UTC. Written from DeepSeek's pricing page, https://api-docs.deepseek.com/quick_start/pricing"),
    # ---- China Policy Watch --------------------------------------------------------------------
    ("policywatch.xml", "Tue, 21 Jan 2025 09:00:00 +0800", "Liang Wenfeng attends Premier Li Qiang's symposium", "https://policywatch.example/2025/01/21/liang-li-qiang/",
     "DeepSeek's founder was among the entrepreneurs invited to a symposium with Premier Li Qiang on 20 January, a sign of official favour. Written from public reports."),
    ("policywatch.xml", "Wed, 29 Jan 2025 09:00:00 +0800", "What Beijing's generative AI filing regime means for DeepSeek", "https://policywatch.example/2025/01/29/filing-regime/",
     "Public-facing generative AI services in China must complete algorithm filing with the Cyberspace Administration under the 2023 Interim Measures. Source: CAC, https://www.cac.gov.cn/"),
    ("policywatch.xml", "Fri, 31 Jan 2025 09:00:00 +0800", "Local governments race to deploy DeepSeek in public services", "https://policywatch.example/2025/01/31/local-deployments/",
     "City governments announce DeepSeek-based assistants for administrative services. Written for the sample edition from public reports."),
    ("policywatch.xml", "Tue, 25 Feb 2025 09:00:00 +0800", "CAC's draft rules on labelling AI-generated content near final", "https://policywatch.example/2025/02/25/labelling-rules/",
     "Draft measures published by the Cyberspace Administration in September 2024 would require explicit and implicit labels on synthetic content. Source: CAC, https://www.cac.gov.cn/"),
    ("policywatch.xml", "Thu, 27 Feb 2025 09:00:00 +0800", "Open weights as policy: how Beijing talks about open source AI", "https://policywatch.example/2025/02/27/open-source-policy/",
     "Official commentary praises open models as a path to diffusion across the economy. Written for the sample edition."),
    # ---- Chip Controls Daily -------------------------------------------------------------------
    ("chipsdaily.xml", "2025-01-15T12:00:00Z", "BIS publishes the Framework for Artificial Intelligence Diffusion", "https://www.federalregister.gov/documents/2025/01/15/2025-00636/framework-for-artificial-intelligence-diffusion",
     "The interim final rule sets country tiers and caps for exports of advanced AI chips and controls some model weights. Source: Federal Register, https://www.federalregister.gov/documents/2025/01/15/2025-00636/framework-for-artificial-intelligence-diffusion"),
    ("chipsdaily.xml", "2025-01-27T23:00:00Z", "Trump floats tariffs of up to 100% on Taiwanese chip imports", "https://chipsdaily.example/2025/01/27/taiwan-tariffs",
     "A proposal to tax imported semiconductors, made the same day as the DeepSeek sell-off, may explain much of the market move. Source: The Verge, https://www.theverge.com/2025/1/27/24353388/trump-tariffs-chips-act-ai-deepseek"),
    ("chipsdaily.xml", "2025-01-30T10:00:00Z", "Did DeepSeek train on smuggled GPUs? What the export-control record shows", "https://chipsdaily.example/2025/01/30/h800-record",
     "DeepSeek says V3 trained on 2,048 H800s, a chip designed for China under the 2022 rules and later banned in 2023; the 2022 rule had already cut off the A100. Written from public records."),
    ("chipsdaily.xml", "2025-01-31T10:00:00Z", "US officials weigh limits on Nvidia's H20 sales to China", "https://chipsdaily.example/2025/01/31/h20-limits",
     "Reports say the administration is considering adding the H20 to export controls after DeepSeek's release. Written from public reports."),
    ("chipsdaily.xml", "2025-02-27T10:00:00Z", "Singapore charges three in case tied to possible server diversion", "https://chipsdaily.example/2025/02/27/singapore-case",
     "Prosecutors charged three men with fraud over server sales; officials said they were examining whether Nvidia chips reached restricted buyers. Written from public reports."),
    # ---- 智能观察 (Chinese) ---------------------------------------------------------------------
    ("zhineng.xml", "Mon, 20 Jan 2025 21:00:00 +0800", "深度求索发布推理模型DeepSeek-R1并开源权重", "https://zhineng.example.cn/news/2025-01-20-r1.html",
     "深度求索（DeepSeek）正式发布推理模型DeepSeek-R1，采用MIT许可证开源模型权重，并同步开源六个蒸馏小模型。来源：DeepSeek API 文档 https://api-docs.deepseek.com/news/news250120"),
    ("zhineng.xml", "Tue, 28 Jan 2025 09:00:00 +0800", "DeepSeek应用登顶美国苹果应用商店免费榜", "https://zhineng.example.cn/news/2025-01-28-app.html",
     "DeepSeek智能助手超越ChatGPT，登上美国苹果应用商店免费应用下载榜首位。根据1月27日公开报道整理。"),
    ("zhineng.xml", "Tue, 28 Jan 2025 12:00:00 +0800", "英伟达股价单日重挫约17%，市值蒸发近5890亿美元", "https://zhineng.example.cn/news/2025-01-28-nvidia.html",
     "受DeepSeek低成本训练消息影响，英伟达股价1月27日大跌，市值单日损失创美国公司纪录。根据公开市场数据整理。"),
    ("zhineng.xml", "Mon, 24 Feb 2025 10:00:00 +0800", "DeepSeek开源周第一天：开源FlashMLA", "https://zhineng.example.cn/news/2025-02-24-flashmla.html",
     "深度求索开源周首日开源FlashMLA，一个面向Hopper GPU的高效MLA解码内核。来源：https://github.com/deepseek-ai/FlashMLA"),
    ("zhineng.xml", "Fri, 28 Feb 2025 10:00:00 +0800", "DeepSeek开源3FS文件系统，180节点集群读取吞吐达6.6 TiB/s", "https://zhineng.example.cn/news/2025-02-28-3fs.html",
     "开源周第五天，深度求索开源萤火虫文件系统3FS。来源：https://github.com/deepseek-ai/3FS"),
    ("zhineng.xml", "Wed, 26 Feb 2025 11:00:00 +0800", "DeepSeek API推出错峰优惠，夜间价格最低降至2.5折", "https://zhineng.example.cn/news/2025-02-26-pricing.html",
     "北京时间每日00:30至08:30为优惠时段，DeepSeek-R1价格降至原价的25%。来源：DeepSeek API 文档 https://api-docs.deepseek.com/zh-cn/quick_start/pricing"),
    ("zhineng.xml", "Sat, 01 Feb 2025 10:00:00 +0800", "幻方量化与梁文锋：一家量化基金如何孵化出DeepSeek", "https://zhineng.example.cn/news/2025-02-01-high-flyer.html",
     "梁文锋创办的幻方量化为DeepSeek提供了早期算力和资金支持，其萤火二号集群拥有约一万张A100。根据公开资料整理。"),
    # ---- Long Reads ----------------------------------------------------------------------------
    ("longreads.xml", "Thu, 30 Jan 2025 14:00:00 +0000", "Essay: the $5.6 million figure, in context", "https://longreads.example/2025/01/30/the-cost-figure/",
     "The reported ~$5.6M covers the final V3 training run on 2,048 H800s, not research, ablations or the cluster itself. An analysis of what the number does and does not say."),
    ("longreads.xml", "Sat, 01 Feb 2025 14:00:00 +0000", "Analysis: Jevons paradox and the GPU market after R1", "https://longreads.example/2025/02/01/jevons/",
     "Cheaper reasoning may raise demand for compute rather than lower it: running full R1 in FP8 still needs a node of H200s or MI300Xs."),
    ("longreads.xml", "Fri, 28 Feb 2025 14:00:00 +0000", "What Open Source Week tells us about DeepSeek's engineering culture", "https://longreads.example/2025/02/28/open-source-week/",
     "Five days of repositories show a lab that optimises below CUDA and publishes the plumbing others keep private. An essay."),
    ("longreads.xml", "Mon, 03 Mar 2025 14:00:00 +0000", "Interview notes: hiring young researchers at DeepSeek", "https://longreads.example/2025/03/03/hiring/",
     "Translated excerpts from Chinese-language profiles on the lab's research-first hiring. An explainer."),
    # ---- Market Desk ---------------------------------------------------------------------------
    ("marketdesk.xml", "2025-01-27T21:30:00Z", "Nvidia sheds $589bn of market value in record one-day fall after DeepSeek", "https://marketdesk.example/markets/2025/01/27/nvidia-record-loss?ref=homepage",
     "Chip and power stocks fell as investors weighed DeepSeek's claims of cheap training. Written from public market data of 27 January 2025."),
    ("marketdesk.xml", "2025-01-28T09:00:00Z", "How DeepSeek prices its API against OpenAI", "https://marketdesk.example/markets/2025/01/28/api-pricing",
     "R1 costs $0.55 per million input tokens and $2.19 per million output tokens at launch, a fraction of o1's list price. Written from DeepSeek's pricing page, https://api-docs.deepseek.com/quick_start/pricing"),
    ("marketdesk.xml", "2025-02-26T12:00:00Z", "DeepSeek introduces off-peak discounts of up to 75% on its API", "https://marketdesk.example/markets/2025/02/26/deepseek-off-peak-discounts",
     "Night-time discounts of 50% on V3 and 75% on R1 aim to use idle capacity. Written from DeepSeek's pricing page, https://api-docs.deepseek.com/quick_start/pricing"),
    ("marketdesk.xml", "2025-02-28T12:00:00Z", "Chinese cloud providers race to host DeepSeek models", "https://marketdesk.example/markets/2025/02/28/cloud-hosting",
     "Alibaba Cloud, Huawei Cloud and Tencent Cloud all offer R1 and V3. Written from public announcements."),
    # ---- Link Roundup (an aggregator: variants of links seen elsewhere) -------------------------
    ("roundup.xml", "Tue, 21 Jan 2025 08:00:00 +0000", "DeepSeek releases R1 reasoning model with open weights", "https://techwire.example/2025/01/20/deepseek-r1-release?utm_campaign=roundup&fbclid=abc",
     "Via Tech Wire."),
    ("roundup.xml", "Tue, 28 Jan 2025 08:00:00 +0000", "DeepSeek app tops Apple App Store chart in the US", "https://www.techwire.example/2025/01/27/deepseek-app-store?utm_source=roundup",
     "Via Tech Wire."),
    ("roundup.xml", "Tue, 28 Jan 2025 08:05:00 +0000", "Nvidia loses $589 billion in market value as DeepSeek rattles investors", "https://techwire.example/2025/01/27/nvidia-selloff",
     "Via Tech Wire."),
    ("roundup.xml", "Thu, 30 Jan 2025 08:00:00 +0000", "OpenAI says it has evidence DeepSeek distilled its models", "https://techwire.example/2025/01/29/openai-distillation-claim/?utm_medium=email",
     "Via Tech Wire."),
    ("roundup.xml", "Fri, 31 Jan 2025 08:00:00 +0000", "R1 paper: reinforcement learning without SFT", "https://arxiv.org/pdf/2501.12948v1",
     "The paper behind R1."),
    ("roundup.xml", "Sat, 01 Feb 2025 08:00:00 +0000", "Italy's privacy regulator blocks DeepSeek", "https://m.techwire.example/2025/01/30/italy-garante-deepseek",
     "Via Tech Wire."),
    ("roundup.xml", "Tue, 25 Feb 2025 08:00:00 +0000", "DeepSeek Open Source Week day 1: FlashMLA", "https://github.com/deepseek-ai/FlashMLA/",
     "Repository link."),
    ("roundup.xml", "Wed, 26 Feb 2025 08:00:00 +0000", "DeepEP: expert-parallel communication library from DeepSeek", "https://github.com/deepseek-ai/DeepEP#readme",
     "Repository link."),
    ("roundup.xml", "Sat, 01 Mar 2025 08:00:00 +0000", "3FS: DeepSeek's Fire-Flyer File System", "https://github.com/deepseek-ai/3FS?ref=roundup",
     "Repository link."),
    ("roundup.xml", "Mon, 03 Mar 2025 08:00:00 +0000", "DeepSeek's inference system overview (Open Source Week day 6)", "https://github.com/deepseek-ai/open-infra-index",
     "Repository link."),
    ("roundup.xml", "Thu, 23 Jan 2025 08:00:00 +0000", "DeepSeek-R1-Zero: reasoning from pure RL, explained", "https://roundup.example/r1-zero-explained",
     "How R1-Zero differs from R1: no supervised fine-tuning at all, and readability problems as a result."),
]


def rss(title: str, link: str, lang: str, items: list) -> str:
    from email.utils import format_datetime
    from datetime import datetime
    body = []
    for _, when, item_title, url, summary in items:
        stamp = when if "," in when else format_datetime(datetime.fromisoformat(when))
        body.append(f"""    <item>
      <title>{escape(item_title)}</title>
      <link>{escape(url)}</link>
      <guid isPermaLink="false">{escape(link)}#{abs(hash_text(url + item_title))}</guid>
      <pubDate>{stamp}</pubDate>
      <description>{escape(summary)}</description>
    </item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>{escape(title)}</title>
    <link>{escape(link)}</link>
    <description>Sample snapshot written for the whalewatch demo edition.</description>
    <language>{lang}</language>
{chr(10).join(body)}
  </channel>
</rss>
"""


def atom(title: str, link: str, lang: str, items: list) -> str:
    body = []
    for _, when, item_title, url, summary in items:
        body.append(f"""  <entry>
    <title>{escape(item_title)}</title>
    <link rel="alternate" href="{escape(url, {'"': '&quot;'})}"/>
    <id>{escape(url)}</id>
    <updated>{when}</updated>
    <published>{when}</published>
    <summary type="text">{escape(summary)}</summary>
  </entry>""")
    newest = max(i[1] for i in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">
  <title>{escape(title)}</title>
  <link rel="alternate" href="{escape(link)}"/>
  <id>{escape(link)}</id>
  <updated>{newest}</updated>
{chr(10).join(body)}
</feed>
"""


def hash_text(text: str) -> int:
    import zlib
    return zlib.crc32(text.encode("utf-8"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (kind, title, link, lang) in FEEDS.items():
        items = [i for i in ITEMS if i[0] == name]
        text = (rss if kind == "rss" else atom)(title, link, lang, items)
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"{len(ITEMS)} items in {len(FEEDS)} feeds written to {OUT}")


if __name__ == "__main__":
    main()
