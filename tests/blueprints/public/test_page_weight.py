"""The public form must stay light for phones on slow networks: under 60 KB compressed with
everything it loads."""

import gzip
import re

LIMIT = 60 * 1024


def test_apply_page_weight_under_60kb_compressed(client, world):
    html = client.get("/apply", headers={"Accept-Language": "zh-CN"}).get_data()
    total = len(gzip.compress(html))
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
    assert assets, "expected the page to load its CSS and scripts"
    for url in assets:
        body = client.get(url.decode()).get_data()
        assert body, url
        total += len(gzip.compress(body))
    assert total < LIMIT, f"{total} bytes compressed"
