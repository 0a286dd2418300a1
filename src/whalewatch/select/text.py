"""Words for comparing stories across sources and languages.

Chinese has no spaces and an English report of the same event shares no characters with it, so
Chinese is read two ways at once: known phrases map to the English words an English headline
would use (深度求索 -> deepseek), and the rest is cut into character bigrams.
"""

from __future__ import annotations

import re
import unicodedata

LEXICON: dict[str, tuple[str, ...]] = {
    "深度求索": ("deepseek",), "深度探索": ("deepseek",), "幻方": ("high-flyer",), "幻方量化": ("high-flyer",),
    "梁文锋": ("liang", "wenfeng"), "英伟达": ("nvidia",), "辉达": ("nvidia",), "芯片": ("chip",), "半导体": ("semiconductor",),
    "出口管制": ("export", "control"), "出口": ("export",), "管制": ("control",), "关税": ("tariff",), "台湾": ("taiwan",),
    "蒸馏": ("distillation",), "开源": ("open", "source"), "开源周": ("open", "source", "week"), "模型": ("model",),
    "推理模型": ("reasoning", "model"), "推理": ("reasoning",), "发布": ("release",), "上线": ("launch",), "美国": ("us",),
    "中国": ("china",), "人工智能": ("ai",), "大模型": ("llm",), "生成式人工智能": ("generative", "ai"),
    "算法备案": ("algorithm", "registry"), "网信办": ("cac",), "国家互联网信息办公室": ("cac",), "监管": ("regulation",),
    "价格": ("price",), "降价": ("price", "cut"), "定价": ("pricing",), "训练": ("training",), "成本": ("cost",),
    "论文": ("paper",), "技术报告": ("technical", "report"), "文件系统": ("file", "system"), "股价": ("stock",), "股市": ("stock", "market"),
    "市场": ("market",), "微软": ("microsoft",), "指控": ("allegation",), "账户": ("account",), "账号": ("account",),
    "欺诈": ("fraud",), "强化学习": ("reinforcement", "learning"), "混合专家": ("moe",), "参数": ("parameter",),
    "华为": ("huawei",), "昇腾": ("ascend",), "阿里巴巴": ("alibaba",), "阿里": ("alibaba",), "通义千问": ("qwen",), "千问": ("qwen",),
    "百度": ("baidu",), "文心": ("ernie",), "腾讯": ("tencent",), "字节跳动": ("bytedance",), "月之暗面": ("moonshot",),
    "智谱": ("zhipu",), "商务部": ("commerce",), "禁令": ("ban",), "禁止": ("ban",), "政策": ("policy",), "法规": ("regulation",),
    "标准": ("standard",), "安全": ("security",), "数据": ("data",), "应用": ("app",), "下载": ("download",), "苹果": ("apple",),
    "应用商店": ("app", "store"), "榜首": ("top",), "第一": ("top",), "意大利": ("italy",), "隐私": ("privacy",), "韩国": ("korea",),
    "澳大利亚": ("australia",), "政府": ("government",), "设备": ("device",), "集群": ("cluster",), "吞吐": ("throughput",),
    "显卡": ("gpu",), "算力": ("compute",), "数据中心": ("datacenter",), "融资": ("funding",), "估值": ("valuation",),
    "扩散": ("diffusion",), "规则": ("rule",), "框架": ("framework",), "报告": ("report",), "白宫": ("white", "house"),
    "特朗普": ("trump",), "拜登": ("biden",), "工信部": ("miit",), "发改委": ("ndrc",), "国务院": ("state", "council"),
    "两会": ("two", "sessions"), "新一代": ("next", "generation"), "多模态": ("multimodal",), "代码": ("code",), "编程": ("coding",),
    "智能体": ("agent",), "稀疏注意力": ("sparse", "attention"), "注意力": ("attention",), "上下文": ("context",),
    "市值": ("market", "value"), "蒸发": ("loss",), "重挫": ("fall",), "大跌": ("fall",), "登顶": ("top",), "免费": ("free",),
    "权重": ("weight",), "错峰": ("off-peak",), "优惠": ("discount",), "折扣": ("discount",), "意大利隐私": ("italy", "privacy"),
    "封禁": ("block",), "屏蔽": ("block",), "文件": ("file",), "内核": ("kernel",), "萤火": ("fire-flyer",), "量化": ("quant",),
    # Words that carry no event identity: units and hedges (the amount itself is a token).
    "美元": (), "人民币": (), "亿元": (), "万元": (), "约": (), "近": (), "超": (), "据悉": (), "消息": (),
    "基金": ("fund",), "创始人": ("founder",), "总理": ("premier",), "李强": ("li", "qiang"), "座谈会": ("symposium",),
    "走私": ("smuggling",), "新加坡": ("singapore",), "服务器": ("server",), "云": ("cloud",), "托管": ("host",),
}
_LEXICON_RE = re.compile("|".join(sorted(map(re.escape, LEXICON), key=len, reverse=True)))
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_AMOUNT_EN = re.compile(r"\$?(\d+(?:\.\d+)?)\s*(billion|bn|million|mn|trillion|tn)\b")
_AMOUNT_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)")
_MODEL_ID = re.compile(r"^(?:[a-z]{1,3}\d+(?:\.\d+)*(?:-[a-z0-9]+)*|\d+(?:\.\d+)?[bkm])$")

STOPWORDS = frozenset(
    "a an the of to in on for and or with by from at as is are was were be been its it this that these those "
    "new says said say after over into about amid than more most how why what who will can could would should "
    "has have had not but up out via vs per report reports reported week weeks year years day today update "
    "first just also now amp up about nearly some its their his her our".split()
)
_PLURAL = re.compile(r"(?<=[a-z]{3})(?:(?<![su])s|(?<=[sxz])es|(?<=[cs]h)es)$")
_SYNONYMS = {"controls": "control", "chips": "chip", "models": "model", "released": "release", "releases": "release",
             "launches": "launch", "launched": "launch", "unveils": "release", "unveiled": "release", "debuts": "release",
             "open-source": "open source", "opensource": "open source", "open-sources": "open source",
             "open-sourced": "open source", "tariffs": "tariff", "allegations": "allegation", "alleges": "allegation",
             "distilled": "distillation", "distilling": "distillation", "distill": "distillation", "gpus": "gpu",
             "accounts": "account", "regulations": "regulation", "rules": "rule", "prices": "price", "us.": "us",
             "u.s": "us", "u.s.": "us", "america": "us", "american": "us", "chinese": "china", "stocks": "stock",
             "shares": "stock", "deep-seek": "deepseek", "deepseek's": "deepseek", "taiwanese": "taiwan",
             "italian": "italy", "japanese": "japan", "korean": "korea", "european": "europe", "loses": "loss",
             "lost": "loss", "sheds": "loss", "shed": "loss", "plunge": "fall", "plunges": "fall", "drops": "fall",
             "tumbles": "fall", "sinks": "fall", "blocks": "block", "blocked": "block", "bans": "ban", "banned": "ban",
             "tops": "top", "topped": "top", "proposes": "propose", "proposed": "propose", "floats": "propose"}
_MULTIPLIERS = {"billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "trillion": 1e12, "tn": 1e12,
                "万亿": 1e12, "亿": 1e8, "万": 1e4}


def _amount_token(value: str, unit: str) -> str:
    """$589 billion, $589bn and 5890亿 all become '589e9': the same figure in two languages."""
    amount = float(value) * _MULTIPLIERS[unit]
    mantissa, exponent = f"{amount:.3e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Comparable words of a title or summary, English and Chinese alike."""
    text = normalise(text)
    words: list[str] = [_amount_token(m.group(1), m.group(2)) for m in _AMOUNT_EN.finditer(text)]
    words += [_amount_token(m.group(1), m.group(2)) for m in _AMOUNT_ZH.finditer(text)]
    text = _AMOUNT_ZH.sub(" ", _AMOUNT_EN.sub(" ", text))
    for match in _LATIN.finditer(text):
        word = _SYNONYMS.get(match.group(0), match.group(0))
        for part in _split_brand(word).split(" "):
            if part in STOPWORDS or len(part) < 2 and not part.isdigit():
                continue
            if not _MODEL_ID.match(part) and not any(ch.isdigit() for ch in part):
                part = _PLURAL.sub("", part)
            words.append(part)
    for run in _CJK_RUN.findall(text):
        words.extend(_cjk_tokens(run))
    return words


def _split_brand(word: str) -> str:
    """'deepseek-r1-zero' is the brand plus the release 'r1-zero'; 'r1-zero' itself stays whole."""
    head, sep, rest = word.partition("-")
    if sep and head.isalpha() and len(head) > 3 and rest:
        return head + " " + _split_brand(rest)
    return word


def _cjk_tokens(run: str) -> list[str]:
    found: list[str] = []
    rest: list[str] = []
    last = 0
    for match in _LEXICON_RE.finditer(run):
        rest.append(run[last:match.start()])
        found.extend(LEXICON[match.group(0)])
        last = match.end()
    rest.append(run[last:])
    for piece in rest:
        found.extend(piece[i:i + 2] for i in range(len(piece) - 1))
    return found


def model_ids(text: str) -> frozenset[str]:
    """Release names such as r1, r1-zero, v3, v3.1, 671b: two stories that name different ones differ."""
    found = set()
    for match in _LATIN.finditer(normalise(text)):
        word = _split_brand(match.group(0)).split(" ")[-1]
        if _MODEL_ID.match(word) and any(ch.isdigit() for ch in word) and not word.isdigit():
            found.add(word)
    return frozenset(found)


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text or ""))


def keyword_regex(keyword: str) -> re.Pattern[str]:
    """Latin keywords match whole words; CJK keywords match as substrings (there are no word breaks)."""
    key = normalise(keyword).strip()
    if has_cjk(key):
        return re.compile(re.escape(key))
    return re.compile(r"(?<![a-z0-9])" + re.escape(key).replace(r"\ ", r"[\s\-]+") + r"(?:s|es|d|ed|ing)?(?![a-z0-9]|-[a-z0-9])")
