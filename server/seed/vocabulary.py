"""Words the seeded library is made of: subjects with their Dewey classes, title patterns, people's names.

Titles are composed from a subject's topics and a pattern, in Vietnamese or English; each subject's class
numbers are real DDC numbers for that subject, so call numbers agree with titles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    topics: tuple[tuple[str, str, str], ...]  # (DDC class, Vietnamese topic, English topic)
    weight: int  # how much of the collection it is
    teaching: bool = True  # textbooks (giáo trình) exist for it


SUBJECTS: tuple[Subject, ...] = (
    Subject(
        (
            ("005.133", "lập trình Python", "Python programming"),
            ("005.1", "cấu trúc dữ liệu và giải thuật", "data structures and algorithms"),
            ("005.74", "cơ sở dữ liệu", "database systems"),
            ("006.3", "trí tuệ nhân tạo", "artificial intelligence"),
            ("004.6", "mạng máy tính", "computer networks"),
            ("006.31", "học máy", "machine learning"),
            ("005.8", "an toàn thông tin", "information security"),
        ),
        14,
    ),
    Subject(
        (
            ("020", "thư viện học", "library science"),
            ("025.3", "biên mục tài liệu", "cataloguing"),
            ("027.7", "thư viện đại học", "academic libraries"),
        ),
        2,
    ),
    Subject(
        (
            ("150", "tâm lý học", "psychology"),
            ("153.4", "tư duy phản biện", "critical thinking"),
            ("155.5", "tâm lý học tuổi trẻ", "adolescent psychology"),
        ),
        3,
    ),
    Subject(
        (
            ("301", "xã hội học", "sociology"),
            ("320.9597", "chính trị Việt Nam", "Vietnamese politics"),
            ("330.9597", "kinh tế Việt Nam", "the Vietnamese economy"),
            ("332.1", "ngân hàng", "banking"),
            ("338.9597", "phát triển kinh tế", "economic development"),
            ("340", "pháp luật đại cương", "introduction to law"),
            ("346.597", "luật dân sự Việt Nam", "Vietnamese civil law"),
        ),
        12,
    ),
    Subject(
        (
            ("370", "giáo dục học", "education"),
            ("371.3", "phương pháp dạy học", "teaching methods"),
            ("378.597", "giáo dục đại học Việt Nam", "higher education in Vietnam"),
        ),
        4,
    ),
    Subject(
        (
            ("410", "ngôn ngữ học", "linguistics"),
            ("495.922", "tiếng Việt", "the Vietnamese language"),
            ("428.24", "tiếng Anh học thuật", "academic English"),
            ("495.6", "tiếng Nhật", "Japanese"),
        ),
        6,
    ),
    Subject(
        (
            ("510", "toán cao cấp", "higher mathematics"),
            ("512.5", "đại số tuyến tính", "linear algebra"),
            ("515", "giải tích", "calculus"),
            ("519.5", "thống kê", "statistics"),
            ("530", "vật lý đại cương", "general physics"),
            ("540", "hóa học", "chemistry"),
            ("570", "sinh học", "biology"),
            ("577.7", "hệ sinh thái biển", "marine ecosystems"),
        ),
        14,
    ),
    Subject(
        (
            ("610", "y học", "medicine"),
            ("615.1", "dược học", "pharmacology"),
            ("620", "kỹ thuật", "engineering"),
            ("621.3", "kỹ thuật điện", "electrical engineering"),
            ("624", "xây dựng", "civil engineering"),
            ("630", "nông nghiệp", "agriculture"),
            ("658", "quản trị kinh doanh", "business management"),
            ("658.8", "marketing", "marketing"),
        ),
        14,
    ),
    Subject(
        (
            ("720", "kiến trúc", "architecture"),
            ("780.9597", "âm nhạc Việt Nam", "Vietnamese music"),
            ("791.43", "điện ảnh", "cinema"),
        ),
        3,
        False,
    ),
    Subject(
        (
            ("808", "văn học", "literature"),
            ("813.54", "tiểu thuyết Mỹ", "the American novel"),
            ("823.914", "văn học Anh hiện đại", "modern English literature"),
            ("895.922", "văn học Việt Nam", "Vietnamese literature"),
            ("895.9221", "thơ Việt Nam", "Vietnamese poetry"),
            ("895.9223", "tiểu thuyết Việt Nam", "the Vietnamese novel"),
            ("895.92234", "truyện ngắn Việt Nam", "Vietnamese short stories"),
        ),
        16,
        False,
    ),
    Subject(
        (
            ("909", "lịch sử thế giới", "world history"),
            ("915.97", "địa lý Việt Nam", "the geography of Vietnam"),
            ("959.7", "lịch sử Việt Nam", "the history of Vietnam"),
            ("959.703", "lịch sử cận đại Việt Nam", "modern Vietnamese history"),
            ("959.704", "các cuộc kháng chiến", "the resistance wars"),
        ),
        8,
    ),
)

TITLES_VI: tuple[str, ...] = (
    "Cơ sở {topic}",
    "Nhập môn {topic}",
    "{Topic} hiện đại",
    "Những vấn đề cơ bản của {topic}",
    "Tìm hiểu {topic}",
    "{Topic}: lý thuyết và thực hành",
    "Bài tập {topic}",
)
TEXTBOOK_VI: tuple[str, ...] = (
    "Giáo trình {topic}",
    "Giáo trình {topic} (tái bản lần thứ hai)",
    "Bài giảng {topic}",
)
TITLES_EN: tuple[str, ...] = (
    "Introduction to {topic}",
    "Principles of {topic}",
    "{Topic}: a practical guide",
    "Essentials of {topic}",
    "Advanced {topic}",
    "Handbook of {topic}",
    "Readings in {topic}",
)
REFERENCE_VI: tuple[str, ...] = ("Từ điển {topic}", "Bách khoa thư {topic}", "Sổ tay tra cứu {topic}")
REFERENCE_EN: tuple[str, ...] = (
    "Dictionary of {topic}",
    "Encyclopedia of {topic}",
    "The Oxford companion to {topic}",
)
THESIS_VI = (
    "Nghiên cứu {topic} tại Việt Nam",
    "Ứng dụng {topic} trong thực tiễn",
    "Giải pháp phát triển {topic}",
)
PERIODICALS = (
    ("Tạp chí Khoa học", "vie"),
    ("Tạp chí Thông tin và Tư liệu", "vie"),
    ("Tạp chí Kinh tế và Phát triển", "vie"),
    ("Tạp chí Văn học", "vie"),
    ("Nature", "eng"),
    ("Communications of the ACM", "eng"),
    ("The Economist", "eng"),
)
AV_TITLES = ("Nhạc cổ truyền Việt Nam", "Tiếng Anh giao tiếp (CD)", "Phim tài liệu lịch sử", "Ca trù")

SURNAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
)
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Phương", "Minh", "Kim", "Bích")
GIVEN_MALE = (
    "Anh",
    "Bảo",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
GIVEN_FEMALE = (
    "An",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Nhung",
    "Oanh",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Uyên",
    "Yến",
)
ENGLISH_GIVEN = ("John", "Mary", "David", "Sarah", "Michael", "Emma", "James", "Laura", "Peter", "Anna")
ENGLISH_SURNAMES = (
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Clarke",
    "Harris",
    "Walker",
    "Wright",
    "Baker",
    "Hughes",
)

# The university's faculties and schools, as a patron's card names them.
FACULTIES = (
    "Khoa Công nghệ Thông tin",
    "Khoa Toán – Cơ – Tin học",
    "Khoa Vật lý",
    "Khoa Hóa học",
    "Khoa Sinh học",
    "Khoa Văn học",
    "Khoa Lịch sử",
    "Khoa Luật",
    "Khoa Kinh tế",
    "Khoa Quốc tế học",
    "Khoa Ngôn ngữ Anh",
    "Khoa Môi trường",
)
