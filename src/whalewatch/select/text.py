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
    # General vocabulary of technology, business and policy news: what a Chinese report of an
    # event shares with an English one. Names of companies, products and places are here too.
    "专家": ("expert",), "并行": ("parallel",), "通信": ("communication",), "库": ("library",), "解码": ("decoding",),
    "矩阵": ("matrix",), "乘法": ("multiplication",), "负载均衡": ("load", "balancing"), "混合精度": ("mixed", "precision"),
    "精度": ("precision",), "微调": ("fine-tuning",), "监督": ("supervised",), "许可证": ("licence",),
    "许可": ("licence",), "视觉": ("vision",), "语言": ("language",), "图像": ("image",), "理解": ("understanding",),
    "生成": ("generation",), "合成": ("synthetic",), "内容": ("content",), "标识": ("label",), "标注": ("label",),
    "稀疏": ("sparse",), "原生": ("native",), "长文本": ("long", "context"), "自然": ("nature",), "同行评审": ("peer", "review"),
    "封面": ("cover",), "数学": ("math",), "定理": ("theorem",), "证明": ("proof",), "形式化": ("formal",),
    "推理系统": ("inference", "system"), "推理服务": ("inference", "service"), "利润": ("profit",), "利润率": ("margin",),
    "概览": ("overview",), "系统": ("system",), "夜间": ("night",), "错峰优惠": ("off-peak", "discount"),
    "思考": ("thinking",), "智能": ("intelligence",), "版本": ("version",), "升级": ("update",), "更新": ("update",),
    "恢复": ("resume",), "销售": ("sales",), "出售": ("sales",), "撤销": ("rescind",), "废除": ("rescind",), "起诉": ("charge",),
    "暂停": ("suspend",), "停止": ("stop",), "处理": ("process",), "用户": ("user",), "海军": ("navy",), "得克萨斯": ("texas",),
    "德州": ("texas",), "意见": ("opinions",), "行动": ("action",), "政府工作报告": ("government", "work", "report"),
    "标准化": ("standardization",), "委员会": ("committee",), "成立": ("set", "up"), "营收": ("revenue",), "收入": ("revenue",),
    "季度": ("quarterly",), "超预期": ("beat", "forecast"), "黄仁勋": ("huang",), "需求": ("demand",), "投资者": ("investor",),
    "元宝": ("yuanbao",), "混元": ("hunyuan",), "微信": ("wechat",), "搜索": ("search",),
    "灰度测试": ("test",), "测试": ("test",), "接入": ("integrate",), "集成": ("integrate",), "比亚迪": ("byd",),
    "吉利": ("geely",), "车型": ("car",), "汽车": ("car",), "车企": ("carmaker",), "亚马逊": ("amazon",), "谷歌": ("google",),
    "硅基流动": ("siliconflow",), "华为云": ("huawei", "cloud"), "阿里云": ("alibaba", "cloud"), "孵化": ("incubate",),
    "进口": ("import",), "征收": ("levy",), "限制": ("restrict",), "等级": ("tier",), "台积电": ("tsmc",),
    "企业家": ("entrepreneur",), "调查": ("investigate",), "服务条款": ("terms", "service"), "违反": ("breach",),
    "发布会": ("launch",), "开源社区": ("open", "source"), "下载量": ("download",), "助手": ("assistant",),
    "聊天机器人": ("chatbot",), "编码": ("coding",), "工具": ("tool",), "调用": ("call",),
    "注册": ("registration",), "攻击": ("attack",), "恶意": ("malicious",), "备案": ("filing",), "已备案": ("registered",),
    "网络安全": ("cybersecurity",), "国家安全": ("national", "security"), "欧盟": ("eu",), "英国": ("uk",), "日本": ("japan",),
    "德国": ("germany",), "法国": ("france",), "印度": ("india",), "台积": ("tsmc",), "三星": ("samsung",),
    "美光": ("micron",), "英特尔": ("intel",), "超威": ("amd",), "寒武纪": ("cambricon",), "中芯国际": ("smic",),
    "量子位": (), "新智元": (), "正式": (), "今日": (), "宣布": (), "称": (), "表示": (), "推出": ("launch",),
}
_LEXICON_RE = re.compile("|".join(sorted(map(re.escape, LEXICON), key=len, reverse=True)))
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_AMOUNT_EN = re.compile(r"\$?(\d+(?:\.\d+)?)\s*-?\s*(billion|bn|million|mn|trillion|tn)\b|(\d+(?:\.\d+)?)(b)\b")
_AMOUNT_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)")
_AMOUNT_PLAIN = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+)(?![\d,])")                  # $294,000
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|\s?per\s?cent\b|\s?percent\b)")
_DAY_EN = re.compile(r"\bday\s+(one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\b")
_DAY_ZH = re.compile(r"第([一二三四五六七八九十]|\d{1,2})天")
_HAS_DIGIT = re.compile(r"\d")
_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+")       # a release tag (v1.0.0), not the name of a model
_BARE_VERSION = re.compile(r"^\d+\.\d+$")
# "DeepSeek 3.1": a version right after a name, not a price ($0.27) or a quantity (2.5 times, 3.5%).
_NAMED_VERSION = re.compile(r"(?<=[a-z][\s-])(\d{1,2}\.\d{1,2})(?![\d.,%]|\s*(?:x\b|times|per\b|percent|billion|million|bn\b|trillion|折|倍|万|亿|元))")
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
_MULTIPLIERS = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "trillion": 1e12, "tn": 1e12,
                "万亿": 1e12, "亿": 1e8, "万": 1e4}


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _amount_token(value: str, unit: str) -> str:
    """$589 billion, 'nearly $600bn' and 5890亿 all become '6e11': one significant figure, because
    reports of one event round the same number differently (and in different units)."""
    return _magnitude(float(value) * _MULTIPLIERS[unit])


def _magnitude(amount: float) -> str:
    mantissa, exponent = f"{amount:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Comparable words of a title or summary, English and Chinese alike.

    Besides words: amounts ('6e11'), percentages ('75pct') and numbered instalments ('day-2',
    from 'day two' or 第二天) are tokens of their own, the same in both languages.
    """
    text = normalise(text)
    words: list[str] = [_amount_token(m.group(1) or m.group(3), m.group(2) or m.group(4)) for m in _AMOUNT_EN.finditer(text)]
    words += [_amount_token(m.group(1), m.group(2)) for m in _AMOUNT_ZH.finditer(text)]
    words += [_magnitude(float(m.group(1).replace(",", ""))) for m in _AMOUNT_PLAIN.finditer(text)]
    words += [f"{float(m.group(1)):g}pct" for m in _PERCENT.finditer(text)]
    words += instalments(text)
    text = _without_figures(_NAMED_VERSION.sub(lambda m: "v" + m.group(1), text), days=True)   # "DeepSeek 3.1" is "V3.1"
    for match in _LATIN.finditer(text):
        words.extend(_word_parts(match.group(0)))
    for run in _CJK_RUN.findall(text):
        words.extend(_cjk_tokens(run))
    return words


def _without_figures(text: str, days: bool) -> str:
    """Amounts, percentages (and numbered days) become tokens of their own; their digits must not
    also be read as words, versions or instalment numbers."""
    for pattern in (_AMOUNT_EN, _AMOUNT_ZH, _AMOUNT_PLAIN, _PERCENT) + ((_DAY_EN, _DAY_ZH) if days else ()):
        text = pattern.sub(" ", text)
    return text


def _word_parts(word: str) -> list[str]:
    """One Latin word as comparable tokens: synonyms mapped, brand split off, plural dropped.

    Runs for every word of every summary in a week, so the common case (letters only) is kept cheap.
    """
    word = _SYNONYMS.get(word, word)
    parts = []
    for part in _split_brand(word).split(" "):
        if part in STOPWORDS or len(part) < 2 and not part.isdigit():
            continue
        if part.endswith("s") and (part.isalpha() or not _HAS_DIGIT.search(part)):
            part = _PLURAL.sub("", part)        # release names always carry a digit, and keep their s
        parts.append(part)
    return parts


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
    return frozenset(releases_in_order(text))


def releases_in_order(text: str, bare_versions: bool = False) -> list[str]:
    """Release names such as r1, r1-zero, v3, v3.1, r1-0528: two stories that name different ones differ.

    Release tags (v1.0.0) and sizes (671b) are not names: a GitHub release called 'v1.0.0:
    DeepSeek-V3' is the V3 release, and one release comes in several sizes. A bare '3.1' names a
    release only where the caller says so (titles), not in running text ('1.5 times faster').
    """
    text = normalise(text)
    if bare_versions:                                       # only in titles: "DeepSeek 3.1"
        text = _NAMED_VERSION.sub(lambda m: "v" + m.group(1), text)
    text = _without_figures(text, days=False)
    found: list[str] = []
    for match in _LATIN.finditer(text):
        if not _HAS_DIGIT.search(match.group(0)):
            continue                     # every release name has a digit in it; most words do not
        word = _split_brand(match.group(0)).split(" ")[-1]
        if _SEMVER.match(word) or re.fullmatch(r"\d+(?:\.\d+)?[bkm]", word):
            continue
        if _MODEL_ID.match(word) and any(ch.isdigit() for ch in word) and not word.isdigit() and word not in found:
            found.append(word)
    return found


def title_numbers(title: str) -> frozenset[str]:
    """Standalone whole numbers of a title (issue 398, story 3), years and figures left out: two titles
    that both carry numbers, none in common, are different instalments of something."""
    text = _without_figures(normalise(title), days=True)
    numbers = re.findall(r"(?<![\w.,$])(\d{1,6})(?![\w.,%])", text)
    return frozenset(n for n in numbers if not re.fullmatch(r"(19|20)\d\d", n))


def release_family(release: str) -> str:
    """v3.1 and v3.2-exp are of family v3, r1-zero and r1-0528 of r1: only names of one family can contradict."""
    match = re.match(r"[a-z]+\d+", release)
    return match.group(0) if match else release


def instalments(text: str) -> list[str]:
    """'Day two', 'day 2' and 第二天 of a series: different days are different events."""
    text = normalise(text)
    found = [m.group(1) for m in _DAY_EN.finditer(text)] + [m.group(1) for m in _DAY_ZH.finditer(text)]
    return [f"day-{_NUMBERS.get(n, n)}" for n in found]


# Lexicon words that are names (companies, people, places, products): what an event is about.
NAMES = frozenset("""high-flyer liang wenfeng nvidia taiwan microsoft huawei ascend alibaba qwen baidu ernie
tencent bytedance moonshot zhipu commerce trump biden italy korea australia singapore apple cac miit ndrc li qiang
navy texas huang yuanbao hunyuan wechat byd geely amazon google siliconflow tsmc eu uk japan germany france india samsung
micron intel amd cambricon smic nature""".split())
# Capitalised in nearly every headline of this beat, so they tell no two stories apart.
_FRAMING = frozenset({"deepseek", "us", "china", "ai"})
_CAPITALISED = re.compile(r"(?<![\w'’])([A-Z][\w.+-]*)")


def names(title: str, title_tokens: frozenset[str] | None = None) -> frozenset[str]:
    """The names a title is about: capitalised words of a sentence-case headline, and lexicon names.

    In a Title Case Headline every word is capitalised, so there only the lexicon's names count.
    The brand every item shares (DeepSeek) and countries that frame half the news are left out.
    """
    found = {t for t in (title_tokens if title_tokens is not None else tokens(title)) if t in NAMES}
    words = title.split()
    capitalised = _CAPITALISED.findall(title)
    if words and len(capitalised) <= max(1, len(words) // 2):
        for position, word in enumerate(capitalised):
            if position == 0 and title.lstrip().startswith(word) and not re.search(r".[A-Z0-9]", word):
                continue             # "Trump proposes": a sentence's first word is capitalised anyway
            for match in _LATIN.finditer(normalise(word)):
                found.update(t for t in _word_parts(match.group(0))
                             if not _MODEL_ID.match(t) and t not in _FRAMING)
    return frozenset(found)


_ESSAY = re.compile(
    r"(^|[:：]\s*)(what|how|why|did|does|do|is|are|can|could|should|will|would|who|when|where)\b|\?\s*$|？"
    r"|^(long read|interview|opinion|analysis|essay|explainer|commentary|podcast|q&a)\s*[:：]|解读|分析|评论|访谈|观点", re.I)


def essay_shaped(title: str) -> bool:
    """A question, or a title announcing an essay, an interview or an analysis: commentary, not a report of news."""
    return bool(_ESSAY.search(title.strip()))


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text or ""))


def keyword_regex(keyword: str) -> re.Pattern[str]:
    """Latin keywords match whole words; CJK keywords match as substrings (there are no word breaks)."""
    key = normalise(keyword).strip()
    if has_cjk(key):
        return re.compile(re.escape(key))
    return re.compile(r"(?<![a-z0-9])" + re.escape(key).replace(r"\ ", r"[\s\-]+") + r"(?:s|es|d|ed|ing)?(?![a-z0-9]|-[a-z0-9])")
