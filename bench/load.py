"""Load test of the running service (issue 5): 20,000 classify requests at concurrency 64 against
`dispute-triage serve` on loopback; reports errors, latency percentiles and the server's memory.

    .venv/bin/python -m bench.load [--requests 20000] [--concurrency 64]
"""

import argparse
import json
import os
import platform

from bench.loadgen import run
from bench.server import free_port, rss_mb, service_command, serving

# Real-looking texts of typical length, cycled: the service sees varied input, not one cached string.
TEXTS = [
    "包工头欠我们二十几个人三个月工资，马上过年了还不给，大家都急着回家。",
    "楼上又漏水了，把我家天花板泡坏了，找他好几次都不开门，物业也不管。",
    "我和隔壁老李家为了宅基地的地界吵了好几年，最近他家盖房又往我家这边占了半米。",
    "儿子儿媳不管老母亲，老人一个人住在漏雨的老房子里，饭也吃不上，请村里管一管。",
    "在网上买的冰箱用了一个月就坏了，商家不给退也不给修，客服电话一直打不通。",
    "我老公喝了酒就打人，昨晚又拿着菜刀说要砍死我，我现在躲在娘家不敢回去。",
    "小区门口新开的烧烤店每天晚上吵到两点，油烟直接往我家窗户里灌，投诉了也没用。",
    "村里征地的青苗费到现在还没发下来，四十多户村民都在等，眼看就要开春播种了。",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/classify"
    with serving(service_command(port), port) as server:
        run(url, lambda i: {"text": TEXTS[i % len(TEXTS)]}, total=args.warmup, concurrency=args.concurrency)
        before = rss_mb(server.pid)
        result = run(
            url,
            lambda i: {"id": str(i), "text": TEXTS[i % len(TEXTS)]},
            total=args.requests,
            concurrency=args.concurrency,
        )
        after = rss_mb(server.pid)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "server": "dispute-triage serve (uvicorn, 1 worker)",
        **result.summary(),
        "statuses": result.statuses,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "rss_growth_pct": round(100 * (after - before) / before, 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
