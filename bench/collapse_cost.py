"""What collapsing copies costs a search: 20 keyword queries, three times each, snippets off,
with and without collapse, on an index given as the first argument (figures in RESULTS.md).

    PYTHONPATH=$PWD python bench/collapse_cost.py /tmp/ix5k
"""
import statistics, sys, time
from searchidx.index import open_index
from searchidx.search import Searcher
queries = ["nhan quyen", "giáo dục", "bóng đá", "tai nạn giao thông", "giá vàng", "chứng khoán",
           "học sinh", "bệnh viện", "xuất khẩu gạo", "công an tỉnh", "đầu tư nước ngoài", "thời tiết",
           "ô nhiễm môi trường", "thi đại học", "dịch cúm gia cầm", "giá xăng", "World Cup",
           "tham nhũng", "lũ lụt miền Trung", "Hà Nội"]
with Searcher(open_index(sys.argv[1])) as s:
    for q in queries:
        s.search(q, snippets=0)
    for collapse in (False, True):
        times, folded = [], 0
        for _ in range(3):
            for q in queries:
                t = time.perf_counter()
                r = s.search(q, snippets=0, collapse=collapse)
                times.append((time.perf_counter() - t) * 1000)
                folded += r.collapsed
        times.sort()
        print(f"collapse={collapse}: median {statistics.median(times):.1f} ms, p95 {times[int(0.95*len(times))-1]:.1f} ms, copies folded on first pages {folded//3}")
