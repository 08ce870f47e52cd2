"""Regenerate the bundled demo Instagram snapshot, ``postme/data/demo_instagram/``.

A fictional account ``puskesmas.sukamaju``: one profile file and 25 posts over
2026-W43..W47 (19 Oct – 22 Nov 2026), mostly at 19:00 WIB (12:00 UTC), written with
instaloader's own ``save_structure_to_file`` from the iPhone-API nodes a logged-in
``Profile.get_posts()`` returns, exactly as ``postme collect --save`` would keep them.
It includes videos, carousels, reels and one caption starting with "=" (it must be
written to the sheet as text, never as a formula).

Run: ``.venv/bin/python tests/make_demo_instagram.py``
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from fakes.instagram import media, post_from_media, profile_node, write_post, write_profile

TARGET = Path(__file__).resolve().parent.parent / "postme" / "data" / "demo_instagram"
USERNAME = "puskesmas.sukamaju"
USER_ID = 63918274501
FOLLOWERS = 2486
FOLLOWING = 318
MEDIA_COUNT = 312

TAGS = "#PuskesmasSukamaju #Germas"
PROGRAM_CODES = {
    "Nice to Know": "NTK",
    "SIKAKUNG": "SKK",
    "Konde Emas": "KEM",
    "Info Grafis": "IGR",
    "Ucapan Hari Besar": "UHB",
}

# (month, day, hour UTC, minute, programme, kind, likes, comments, views, caption)
POSTS: tuple[tuple[int, int, int, int, str, str, int, int, int | None, str], ...] = (
    # 2026-W43
    (
        10,
        19,
        12,
        0,
        "Nice to Know",
        "photo",
        74,
        5,
        None,
        "Nice to Know: minum air putih 8 gelas sehari membantu ginjal bekerja baik. #NiceToKnow",
    ),
    (
        10,
        20,
        3,
        30,
        "SIKAKUNG",
        "carousel",
        61,
        4,
        None,
        "SIKAKUNG: Posyandu Lansia di Dusun Krajan, cek tensi dan gula darah gratis. #SIKAKUNG",
    ),
    (
        10,
        21,
        12,
        0,
        "Konde Emas",
        "photo",
        58,
        3,
        None,
        "Konde Emas: Cek kesehatan berkala minimal setahun sekali, mulai usia 15 tahun. "
        "#KondeEmas #CERDIK",
    ),
    (
        10,
        22,
        12,
        0,
        "Nice to Know",
        "reels",
        132,
        11,
        2140,
        "Nice to Know: 5 tanda dehidrasi yang sering diabaikan. Tonton sampai habis! #NiceToKnow",
    ),
    (
        10,
        24,
        0,
        30,
        "Ucapan Hari Besar",
        "photo",
        49,
        2,
        None,
        "Selamat Hari Polio Sedunia. Lengkapi imunisasi polio anak di Posyandu terdekat. "
        "#HariPolioSedunia",
    ),
    # 2026-W44
    (
        10,
        26,
        12,
        0,
        "Nice to Know",
        "photo",
        81,
        6,
        None,
        "Nice to Know: cuci tangan pakai sabun 6 langkah, minimal 20 detik. #NiceToKnow #CTPS",
    ),
    (
        10,
        27,
        12,
        5,
        "Info Grafis",
        "carousel",
        77,
        4,
        None,
        "Info Grafis: Isi Piringku, porsi makan sekali makan untuk orang dewasa. Geser ya! "
        "#InfoGrafis",
    ),
    (
        10,
        28,
        12,
        0,
        "Konde Emas",
        "video",
        69,
        5,
        980,
        "Konde Emas: Rajin aktivitas fisik, senam peregangan 10 menit di sela bekerja. "
        "#KondeEmas #CERDIK",
    ),
    (
        10,
        29,
        12,
        0,
        "Nice to Know",
        "reels",
        158,
        14,
        2675,
        "Nice to Know: kenali gejala stroke dengan SeGeRa Ke RS. #NiceToKnow #HariStrokeSedunia",
    ),
    (
        10,
        29,
        0,
        30,
        "Ucapan Hari Besar",
        "photo",
        52,
        3,
        None,
        "Selamat Hari Stroke Sedunia. Kendalikan tekanan darah, cegah stroke sejak dini. "
        "#HariStrokeSedunia",
    ),
    # 2026-W45
    (
        11,
        2,
        12,
        0,
        "Nice to Know",
        "photo",
        86,
        7,
        None,
        "Nice to Know: tidur cukup 7-8 jam membantu daya tahan tubuh. #NiceToKnow",
    ),
    (
        11,
        3,
        3,
        45,
        "SIKAKUNG",
        "video",
        64,
        4,
        1105,
        "SIKAKUNG: penyuluhan PHBS di SDN Sukamaju 2 bersama kader kesehatan. #SIKAKUNG",
    ),
    (
        11,
        4,
        12,
        0,
        "Konde Emas",
        "carousel",
        72,
        5,
        None,
        "Konde Emas: Diet seimbang, kurangi gula, garam dan lemak (GGL). #KondeEmas #CERDIK",
    ),
    (
        11,
        5,
        12,
        0,
        "Nice to Know",
        "reels",
        171,
        15,
        3010,
        "Nice to Know: cara benar mengukur tekanan darah di rumah. #NiceToKnow",
    ),
    (
        11,
        7,
        12,
        0,
        "Info Grafis",
        "photo",
        66,
        3,
        None,
        "Info Grafis: jadwal pelayanan Puskesmas Sukamaju bulan November. #InfoGrafis",
    ),
    # 2026-W46
    (
        11,
        9,
        12,
        0,
        "Nice to Know",
        "photo",
        90,
        6,
        None,
        "Nice to Know: kenali tanda diabetes, sering haus, sering buang air kecil dan mudah "
        "lapar. #NiceToKnow",
    ),
    (
        11,
        10,
        3,
        30,
        "SIKAKUNG",
        "carousel",
        75,
        5,
        None,
        "SIKAKUNG: pemeriksaan ibu hamil (ANC terpadu) di ruang KIA pagi ini. #SIKAKUNG",
    ),
    (
        11,
        11,
        12,
        0,
        "Konde Emas",
        "reels",
        149,
        12,
        2488,
        "Konde Emas: Enyahkan asap rokok, rokok elektrik juga berbahaya. #KondeEmas #CERDIK",
    ),
    (
        11,
        12,
        12,
        0,
        "Nice to Know",
        "photo",
        95,
        8,
        None,
        "Nice to Know: pneumonia pada balita, kenali napas cepat dan tarikan dinding dada. "
        "#NiceToKnow",
    ),
    (
        11,
        12,
        0,
        30,
        "Ucapan Hari Besar",
        "photo",
        118,
        9,
        None,
        "Selamat Hari Kesehatan Nasional ke-62! Generasi sehat, masa depan hebat. #HKN62",
    ),
    # 2026-W47
    (
        11,
        16,
        12,
        0,
        "Nice to Know",
        "photo",
        97,
        7,
        None,
        "=SEHAT itu pilihan: cek gula darah rutin, apalagi jika ada riwayat keluarga diabetes. "
        "#NiceToKnow",
    ),
    (
        11,
        17,
        3,
        30,
        "SIKAKUNG",
        "video",
        71,
        4,
        1260,
        "SIKAKUNG: kunjungan rumah pasien TBC bersama petugas pemegang program. #SIKAKUNG",
    ),
    (
        11,
        18,
        12,
        0,
        "Konde Emas",
        "carousel",
        83,
        6,
        None,
        "Konde Emas: Istirahat cukup dan Kelola stres, dua kunci CERDIK yang sering "
        "dilupakan. #KondeEmas #CERDIK",
    ),
    (
        11,
        19,
        12,
        0,
        "Nice to Know",
        "reels",
        186,
        17,
        3395,
        "Nice to Know: bijak pakai antibiotik, habiskan sesuai resep dokter. #NiceToKnow "
        "#PekanKesadaranAntimikroba",
    ),
    (
        11,
        20,
        12,
        10,
        "Info Grafis",
        "photo",
        70,
        4,
        None,
        "Info Grafis: alur pendaftaran online Puskesmas Sukamaju. #InfoGrafis",
    ),
)


def shortcode(program: str, month: int, day: int) -> str:
    """``DemoNTK1019``: 11 characters, deterministic, [A-Za-z0-9]."""
    return f"Demo{PROGRAM_CODES[program]}{month:02d}{day:02d}"


def build(target: Path = TARGET) -> Path:
    if target.exists():
        shutil.rmtree(target)
    node = profile_node(USERNAME, USER_ID, FOLLOWERS, FOLLOWING, MEDIA_COUNT)
    node["full_name"] = "UPTD Puskesmas Sukamaju"
    node["biography"] = "Akun resmi UPTD Puskesmas Sukamaju. Sehat bersama, Sukamaju bahagia."
    write_profile(target, node)
    for month, day, hour, minute, program, kind, likes, comments, views, text in POSTS:
        item = media(
            shortcode(program, month, day),
            datetime(2026, month, day, hour, minute, tzinfo=UTC),
            kind=kind,
            caption=f"{text} {TAGS}",
            likes=likes,
            comments=comments,
            views=views,
            view_key="play_count" if kind == "reels" else "view_count",
            username=USERNAME,
            user_id=USER_ID,
        )
        item["user"]["full_name"] = "UPTD Puskesmas Sukamaju"
        write_post(target, post_from_media(item), compress=False)
    return target


def main() -> None:
    build()
    print(f"wrote {len(POSTS)} posts and 1 profile to {TARGET}")


if __name__ == "__main__":
    main()
