#!/usr/bin/env python3
"""Write the small Korean sample dataset (competition layout) into data/sample/.

    python3 tools/make_sample_data.py [--out data/sample] [--train 200] [--dev 50] [--test 50] [--seed 20261126]

Pure standard library and deterministic: the same flags give byte-identical
files. Dialogues are built from templates per topic with slot fillers
(names, places, times, items), and every summary repeats slot values that
occur in its dialogue, so even a tiny model has something to learn.

Files: train.csv, dev.csv (fname,dialogue,summary,topic), test.csv
(fname,dialogue), sample_submission.csv (fname,summary, empty summaries),
test_references.csv (fname,summary1,summary2,summary3). UTF-8 without BOM,
RFC 4180 quoting, "\\n" row ends (dialogue turns are joined by "\\n" inside
quoted fields).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Callable

# ------------------------------------------------------------ Korean particles

_DIGIT_BATCHIM = {"0": True, "1": True, "2": False, "3": True, "4": False,
                  "5": False, "6": True, "7": True, "8": True, "9": False}
_DIGIT_RIEUL = {"1", "7", "8"}  # 일, 칠, 팔 end in ㄹ: "으로" becomes "로"


def _final(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that consonant is ㄹ) for the word's last sound."""
    core = word.rstrip("#\"' )")
    if not core:
        return False, False
    last = core[-1]
    if "\uac00" <= last <= "\ud7a3":
        jong = (ord(last) - 0xAC00) % 28
        return jong != 0, jong == 8
    if last in _DIGIT_BATCHIM:
        return _DIGIT_BATCHIM[last], last in _DIGIT_RIEUL
    return False, False  # Latin letters etc.: read as ending in a vowel


_PARTICLES = {"은": ("은", "는"), "이": ("이", "가"), "을": ("을", "를"), "과": ("과", "와"), "아": ("아", "야")}


def jo(word: str, kind: str) -> str:
    """word + the particle that fits its last sound: jo("의사", "은") -> "의사는"."""
    batchim, rieul = _final(word)
    if kind == "으로":
        return word + ("으로" if batchim and not rieul else "로")
    if kind == "이에요":
        return word + ("이에요" if batchim else "예요")
    if kind == "입니다":
        return word + "입니다"
    with_b, without_b = _PARTICLES[kind]
    return word + (with_b if batchim else without_b)


def P(i: int) -> str:
    return f"#Person{i}#"


# ------------------------------------------------------------------ slot pools

NAMES = ["민수", "지영", "서준", "하은", "도윤", "수빈", "현우", "예린", "준호", "지민", "태호", "유나", "성민", "다은"]
SURNAMES = ["김", "이", "박", "최", "정", "강", "윤", "한"]
CITIES = ["부산", "제주도", "강릉", "경주", "전주", "여수", "속초", "대구", "광주"]
DAYS = ["월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"]
TIMES = ["오전 9시", "오전 10시", "오전 10시 30분", "오전 11시", "오후 1시", "오후 2시", "오후 3시 30분", "오후 4시", "오후 6시", "오후 7시"]
WEEKDAY_REL = ["내일", "모레", "이번 주 금요일", "다음 주 월요일", "다음 주 수요일", "이번 주말"]


def pick(r: random.Random, pool: list):
    return pool[r.randrange(len(pool))]


def won(amount: int) -> str:
    return f"{amount:,}원"  # "89,000원": a comma inside the field, as in real data


Turns = list[tuple[int, str]]
Topic = Callable[[random.Random], tuple[Turns, list[str]]]


# ---------------------------------------------------------------------- topics
# Each returns (turns, three summaries). Turns are (speaker number, text).


def hospital(r: random.Random):
    doc = pick(r, SURNAMES)
    symptom, medicine = pick(r, [("두통", "진통제"), ("기침", "기침약"), ("허리 통증", "파스"), ("복통", "소화제"),
                                 ("콧물", "감기약"), ("목 통증", "소염제"), ("어지럼증", "철분제")])
    duration = pick(r, ["사흘", "일주일", "2주", "한 달", "이틀"])
    times = pick(r, ["두", "세"])
    day = pick(r, WEEKDAY_REL)
    turns = [
        (1, f"안녕하세요, {doc} 의사입니다. 어디가 불편하세요?"),
        (2, f"{duration} 전부터 {jo(symptom, '이')} 있어서 왔어요."),
        (1, pick(r, ["열은 없으세요?", "혹시 다른 증상도 있으세요?", "언제 가장 심하세요?"])),
        (2, pick(r, ["열은 없는데 밤에 잠을 잘 못 자요.", "아침에 일어날 때 제일 심해요.", "일할 때 집중이 잘 안 돼요."])),
        (1, f"검사해 보니 큰 문제는 없어요. {jo(medicine, '을')} 처방해 드릴게요."),
        (2, "하루에 몇 번 먹으면 되나요?"),
        (1, f"하루 {times} 번, 식후에 드세요. 그리고 {day}에 다시 오세요."),
        (2, "네, 감사합니다, 선생님."),
    ]
    summaries = [
        f"{jo(P(2), '은')} {duration} 전부터 {jo(symptom, '이')} 있어 {doc} 의사에게 진료를 받고 {jo(medicine, '을')} 처방받는다.",
        f"{doc} 의사는 {jo(symptom, '으로')} 온 {P(2)}에게 {jo(medicine, '을')} 처방하고 {day}에 다시 오라고 한다.",
        f"{jo(P(2), '은')} {symptom} 때문에 병원에 가서 {jo(medicine, '을')} 받고 {day}에 다시 진료를 받기로 한다.",
    ]
    return turns, summaries


def shopping(r: random.Random):
    item = pick(r, ["운동화", "노트북", "겨울 코트", "가방", "무선 이어폰", "청바지", "전기 주전자"])
    color = pick(r, ["검은색", "흰색", "파란색", "회색", "빨간색"])
    price = pick(r, [50000, 80000, 120000, 150000, 230000, 90000])
    discount = pick(r, [10, 20, 30])
    sale = price * (100 - discount) // 100
    friend = r.random() < 0.4
    turns = [
        (1, "어서 오세요. 찾으시는 물건 있으세요?"),
        (2, f"{jo(item, '을')} 보러 왔어요. {jo(color, '으로')} 있나요?"),
        (1, f"네, {color} {jo(item, '은')} 이쪽에 있습니다. 이번 주에 {discount}% 할인 중이에요."),
        (2, "가격이 얼마예요?"),
        (1, f"원래 {won(price)}인데, 할인하면 {jo(won(sale), '이에요')}."),
    ]
    if friend:
        turns.append((3, f"그 {jo(color, '이')} 너한테 잘 어울려. 그냥 사."))
        turns.append((2, "그래, 네 말대로 할게."))
    turns += [
        (2, "좋네요. 카드로 계산할게요."),
        (1, "감사합니다. 영수증은 봉투에 넣어 드릴게요."),
    ]
    summaries = [
        f"{jo(P(2), '은')} {discount}% 할인 중인 {color} {jo(item, '을')} {won(sale)}에 산다.",
        f"{jo(P(1), '은')} {P(2)}에게 {color} {jo(item, '을')} 안내하고, {jo(P(2), '은')} 할인된 가격 {won(sale)}에 구매한다.",
        f"{jo(P(2), '은')} 가게에서 {jo(item, '을')} 찾다가 {discount}% 할인을 받아 카드로 계산한다."
        + (f" {jo(P(3), '은')} 잘 어울린다고 말한다." if friend else ""),
    ]
    return turns, summaries


def travel(r: random.Random):
    n = r.choice([2, 3, 4])
    city = pick(r, CITIES)
    nights = pick(r, [1, 2, 3])
    transport = pick(r, ["KTX", "비행기", "고속버스", "자동차"])
    activity = pick(r, ["바다 구경", "맛집 투어", "등산", "박물관 관람", "자전거 타기"])
    month = pick(r, ["다음 달", "여름 방학", "추석 연휴", "5월 초"])
    turns = [
        (1, f"우리 {month}에 {city} 여행 가는 거 어때?"),
        (2, f"좋아! 몇 박으로 갈까? {nights}박 {nights + 1}일이면 괜찮을 것 같은데."),
        (1, f"그래, {nights}박 {nights + 1}일로 하자. 교통편은 {jo(transport, '으로')} 하면 어때?"),
    ]
    if n >= 3:
        turns.append((3, f"나도 같이 가도 돼? {jo(transport, '이')} 제일 편하긴 하지."))
        turns.append((1, "당연하지, 같이 가자."))
    turns.append((2, f"거기 가면 {jo(activity, '은')} 꼭 하고 싶어."))
    if n == 4:
        turns.append((4, "숙소는 내가 알아볼게. 바다가 보이는 곳으로 찾아볼게."))
    turns.append((1, f"좋아, 그럼 {activity}부터 계획 세우자."))
    group = ", ".join(P(i) for i in range(1, n + 1))
    summaries = [
        f"{jo(group, '은')} {month}에 {jo(transport, '으로')} {city}에 {nights}박 {nights + 1}일 여행을 가기로 한다.",
        f"{jo(P(1), '은')} {month}에 {city} 여행을 제안하고, 함께 {jo(activity, '을')} 할 계획을 세운다.",
        f"{city} {nights}박 {nights + 1}일 여행 계획: {transport}, {activity}.",
    ]
    return turns, summaries


def interview(r: random.Random):
    company = pick(r, ["한빛전자", "새솔물산", "푸른소프트", "다온식품", "미래건설"])
    position = pick(r, ["마케팅", "영업", "소프트웨어 개발", "회계", "디자인"])
    years = pick(r, [2, 3, 5, 7])
    strength = pick(r, ["꼼꼼함", "책임감", "소통 능력", "문제 해결 능력"])
    name = pick(r, NAMES)
    turns = [
        (1, f"{company} {position} 직무 면접에 오신 것을 환영합니다. 자기소개 부탁드립니다."),
        (2, f"안녕하세요, {jo(name, '이에요')}. 이전 회사에서 {position} 업무를 {years}년 동안 했습니다."),
        (1, "본인의 가장 큰 장점은 무엇이라고 생각하세요?"),
        (2, f"제 장점은 {jo(strength, '입니다')}. 팀 프로젝트에서 \"마감은 반드시 지킨다\"는 원칙으로 일했습니다."),
        (1, "좋습니다. 연락 받을 이메일 주소를 확인해도 될까요?"),
        (2, "네, #Email#입니다."),
        (1, "결과는 다음 주에 이메일로 알려 드리겠습니다. 수고하셨습니다."),
    ]
    summaries = [
        f"{jo(name, '은')} {company} {position} 직무 면접에서 {years}년 경력과 장점인 {jo(strength, '을')} 이야기한다.",
        f"{jo(P(1), '은')} {P(2)}의 {company} {position} 면접을 보고, 결과를 다음 주에 #Email#로 알려 주기로 한다.",
        f"{jo(P(2), '은')} 면접에서 {position} 경력 {years}년과 {jo(strength, '을')} 강조한다.",
    ]
    return turns, summaries


def food_order(r: random.Random):
    food = pick(r, ["김치찌개", "불고기", "비빔밥", "짜장면", "피자", "치킨", "떡볶이"])
    qty = pick(r, ["한", "두", "세"])
    minutes = pick(r, [20, 30, 40, 50])
    extra = pick(r, ["콜라", "단무지", "계란찜", "샐러드"])
    turns = [
        (1, "네, 맛나식당입니다. 주문하시겠어요?"),
        (2, f"{food} {qty} 개 배달 되나요?"),
        (1, f"네, 됩니다. {jo(extra, '은')} 서비스로 드릴게요. 주소가 어떻게 되세요?"),
        (2, "#Address#예요."),
        (1, "연락처도 알려 주시겠어요?"),
        (2, "#PhoneNumber#입니다."),
        (1, f"{minutes}분 정도 걸립니다. 결제는 어떻게 하시겠어요?"),
        (2, "도착하면 카드로 할게요."),
    ]
    summaries = [
        f"{jo(P(2), '은')} 전화로 {food} {qty} 개를 #Address#로 배달 주문하고, {minutes}분 뒤에 받기로 한다.",
        f"{jo(P(1), '은')} {P(2)}의 {food} 주문을 받고 {jo(extra, '을')} 서비스로 준다고 한다.",
        f"{jo(P(2), '은')} {jo(food, '을')} 주문하며 주소 #Address#와 연락처 #PhoneNumber#를 알려 준다.",
    ]
    return turns, summaries


def moving(r: random.Random):
    src, dst = r.sample(CITIES, 2)
    day = pick(r, ["이번 주 토요일", "다음 주 금요일", "이달 말", "다음 달 3일"])
    company = pick(r, ["튼튼이사", "행복이사", "빠른이사"])
    cost = pick(r, [600000, 800000, 1200000, 950000])
    helper = r.random() < 0.5
    turns = [
        (1, f"{jo(company, '입니다')}. 이사 견적 문의하셨죠?"),
        (2, f"네, {day}에 {src}에서 {jo(dst, '으로')} 이사하려고 해요."),
        (1, "새 집 주소를 알려 주세요."),
        (2, "#Address#예요. 엘리베이터가 있는 건물이에요."),
        (1, f"그럼 비용은 {won(cost)}입니다. 당일 트럭 번호는 #CarNumber#예요."),
    ]
    if helper:
        turns.append((3, "짐이 많은데 포장도 해 주시나요?"))
        turns.append((1, "네, 포장 이사로 해 드립니다."))
    turns.append((2, "좋아요, 그렇게 예약할게요."))
    summaries = [
        f"{jo(P(2), '은')} {day}에 {src}에서 {jo(dst, '으로')} 이사하기로 하고 {jo(company, '을')} {won(cost)}에 예약한다.",
        f"{jo(company, '은')} {P(2)}의 {dst} 이사 견적으로 {jo(won(cost), '을')} 안내하고 트럭 번호 #CarNumber#를 알려 준다.",
        f"{jo(P(2), '은')} {day} {src}에서 {dst} #Address#로 가는 이사를 예약한다.",
    ]
    return turns, summaries


def weather(r: random.Random):
    day = pick(r, WEEKDAY_REL)
    wx, plan_bad, temps = pick(r, [("비가 온대", "우산", [12, 15, 18]), ("눈이 많이 온대", "장갑", [-7, -5, -2]),
                                   ("태풍이 온대", "비옷", [21, 24]), ("폭염이래", "물", [33, 35, 36])])
    temp = pick(r, temps)
    plan = pick(r, ["소풍", "캠핑", "야구 경기 관람", "한강 산책"])
    alt = pick(r, ["영화관", "박물관", "실내 수영장", "카페"])
    turns = [
        (1, f"{day} 날씨 봤어? {wx}."),
        (2, f"정말? 우리 {day}에 {jo(plan, '을')} 가기로 했잖아."),
        (1, f"기온도 {temp}도래. 밖에 있기는 힘들 것 같아."),
        (2, f"그럼 {jo(plan, '은')} 미루고 {alt}에 가는 게 어때?"),
        (1, f"좋아. 그래도 {jo(plan_bad, '은')} 챙겨 가자."),
    ]
    wx_noun = wx.replace("가 온대", "").replace("이 많이 온대", "").replace("이 온대", "").replace("이래", "")
    summaries = [
        f"{day} {wx_noun} 예보 때문에 {P(1)}과 {jo(P(2), '은')} {jo(plan, '을')} 미루고 {alt}에 가기로 한다.",
        f"{jo(P(1), '은')} {day} 기온이 {temp}도라고 알려 주고, 두 사람은 {alt}에 가기로 한다.",
        f"{jo(P(2), '은')} 날씨 때문에 {plan} 대신 {alt}에 가자고 제안한다.",
    ]
    return turns, summaries


def meeting(r: random.Random):
    n = r.choice([2, 3, 4])
    subject = pick(r, ["신제품 출시", "분기 예산", "고객 설문 결과", "홈페이지 개편", "채용 계획"])
    old_day, new_day = r.sample(DAYS[:5], 2)
    time = pick(r, TIMES)
    room = pick(r, ["3층 회의실", "대회의실", "201호", "온라인 화상 회의"])
    turns = [
        (1, f"{old_day}로 잡힌 {subject} 회의 말인데요, 일정을 바꿔야 할 것 같아요."),
        (2, f"무슨 일 있어요? 저는 {old_day}에 출장이 있어서 오히려 잘됐네요."),
        (1, f"{new_day} {jo(time, '은')} 어때요? 장소는 {jo(room, '으로')} 하고요."),
    ]
    if n >= 3:
        turns.append((3, f"저도 {new_day} {time}에 괜찮아요. 자료는 제가 준비할게요."))
    if n == 4:
        turns.append((4, "저는 조금 늦을 수도 있는데, 회의록은 공유해 주세요."))
    turns.append((2, f"좋아요, {new_day} {jo(time, '으로')} 확정하죠."))
    summaries = [
        f"{subject} 회의가 {old_day}에서 {new_day} {jo(time, '으로')} 바뀌고 장소는 {jo(room, '이')} 된다.",
        f"{jo(P(1), '은')} {subject} 회의 일정을 {new_day} {jo(time, '으로')} 옮기자고 하고 모두 동의한다.",
        f"{subject} 회의: {old_day} → {new_day} {time}, {room}.",
    ]
    return turns, summaries


def exercise(r: random.Random):
    sport = pick(r, ["수영", "요가", "헬스", "테니스", "필라테스", "배드민턴"])
    per_week = pick(r, ["두", "세", "네"])
    time = pick(r, ["아침 7시", "점심시간", "퇴근 후 저녁 8시", "오전 6시 30분"])
    place = pick(r, ["구민 체육관", "회사 근처 센터", "아파트 헬스장", "동네 공원"])
    goal = pick(r, ["체중 감량", "허리 건강", "체력 향상", "스트레스 해소"])
    turns = [
        (1, f"요즘 {jo(sport, '을')} 시작했다면서? 어때?"),
        (2, f"응, {goal} 때문에 시작했어. 일주일에 {per_week} 번 {place}에 다녀."),
        (1, "주로 언제 가?"),
        (2, f"{time}에 가. 사람이 적어서 좋아."),
        (1, f"나도 같이 해 볼까? {goal}에 정말 도움이 돼?"),
        (2, "그럼! 다음에 같이 가자, 첫 수업은 무료야."),
    ]
    summaries = [
        f"{jo(P(2), '은')} {jo(goal, '을')} 위해 일주일에 {per_week} 번 {place}에서 {jo(sport, '을')} 한다.",
        f"{jo(P(2), '은')} {time}에 {jo(sport, '을')} 하러 간다고 말하고 {P(1)}에게 같이 하자고 권한다.",
        f"{jo(P(1), '은')} {P(2)}의 {sport} 이야기를 듣고 {place}에 같이 가 보기로 한다.",
    ]
    return turns, summaries


def bank(r: random.Random):
    task = pick(r, ["체크카드 재발급", "적금 가입", "환전", "계좌 개설"])
    amount = pick(r, [100000, 300000, 500000, 1000000])
    fee = pick(r, [0, 1000, 2000])
    turns = [
        (1, "어서 오세요. 무엇을 도와드릴까요?"),
        (2, f"{jo(task, '을')} 하러 왔어요. 신분증 여기 있습니다."),
        (1, "확인했습니다. 기존 카드 번호를 알려 주시겠어요?"),
        (2, "#CardNumber#예요."),
        (1, f"네, 처음 넣으실 금액은 얼마로 할까요? 수수료는 {won(fee) if fee else '없습니다'}{'입니다' if fee else ''}."),
        (2, f"{won(amount)}으로 해 주세요."),
        (1, "처리됐습니다. 문자로 안내가 갈 거예요."),
    ]
    summaries = [
        f"{jo(P(2), '은')} 은행에서 {jo(task, '을')} 하고 {jo(won(amount), '을')} 넣는다.",
        f"{jo(P(1), '은')} 신분증과 카드 번호 #CardNumber#를 확인하고 {P(2)}의 {jo(task, '을')} 처리한다.",
        f"{jo(P(2), '은')} {task} 업무로 은행에 가서 {won(amount)}을 맡긴다. 수수료는 {won(fee) if fee else '없다'}{'이다' if fee else ''}.",
    ]
    return turns, summaries


def parcel(r: random.Random):
    item = pick(r, ["책 세 권", "겨울 이불", "휴대폰 케이스", "커피 머신", "화분"])
    delay = pick(r, ["하루", "이틀", "사흘"])
    new_day = pick(r, WEEKDAY_REL)
    turns = [
        (1, "고객센터입니다. 무엇을 도와드릴까요?"),
        (2, f"지난주에 주문한 {jo(item, '이')} 아직 안 왔어요."),
        (1, "주문하신 분 연락처를 알려 주시겠어요?"),
        (2, "#PhoneNumber#예요."),
        (1, f"확인해 보니 물류 센터 사정으로 배송이 {delay} 늦어졌습니다. {new_day}까지 도착할 예정입니다."),
        (2, "알겠어요. 도착하면 문자 주세요, 경비실에 맡겨도 돼요."),
    ]
    summaries = [
        f"{jo(P(2), '은')} 주문한 {jo(item, '이')} 오지 않아 문의하고, {jo(P(1), '은')} 배송이 {delay} 늦어져 {new_day}까지 도착한다고 말한다.",
        f"{item} 배송이 {delay} 늦어져 {new_day}에 도착할 예정이다.",
        f"{jo(P(1), '은')} #PhoneNumber#로 주문을 확인하고 {P(2)}에게 {item} 배송 지연을 알린다.",
    ]
    return turns, summaries


def movie(r: random.Random):
    n = r.choice([2, 3])
    title = pick(r, ["바다의 노래", "마지막 기차", "별빛 탐정", "서울의 밤", "우리들의 여름"])
    genre = pick(r, ["공포", "로맨스", "액션", "애니메이션"])
    time = pick(r, ["오후 4시", "오후 6시 20분", "오후 7시 40분", "밤 9시"])
    snack = pick(r, ["팝콘", "나초", "핫도그"])
    turns = [
        (1, f"이번 주말에 영화 \"{title}\" 볼래? {genre} 영화래."),
        (2, "좋아! 몇 시 거 있어?"),
        (1, f"{time} 거 있어. 표는 내가 예매할게."),
    ]
    if n == 3:
        turns.append((3, f"나도 끼워 줘. {jo(snack, '은')} 내가 살게."))
    else:
        turns.append((2, f"그럼 {jo(snack, '은')} 내가 살게."))
    turns.append((1, "그래, 극장 앞에서 15분 전에 만나자."))
    buyer = P(3) if n == 3 else P(2)
    quoted = f'"{title}"'
    summaries = [
        f"{jo(P(1), '은')} 주말에 {genre} 영화 {jo(quoted, '을')} {time}에 보자고 하고 표를 예매한다.",
        f"{'세' if n == 3 else '두'} 사람은 {time}에 {jo(quoted, '을')} 보기로 하고 {jo(buyer, '이')} {jo(snack, '을')} 사기로 한다.",
        f"{jo(P(1), '과')} 친구들은 영화 \"{title}\" {time} 표를 예매한다.",
    ]
    return turns, summaries


TOPICS: list[tuple[str, Topic]] = [
    ("병원 진료", hospital),
    ("쇼핑", shopping),
    ("여행 계획", travel),
    ("면접", interview),
    ("음식 주문", food_order),
    ("이사", moving),
    ("날씨", weather),
    ("회의 일정", meeting),
    ("운동", exercise),
    ("은행 업무", bank),
    ("택배 배송", parcel),
    ("영화 관람", movie),
]


# ------------------------------------------------------------------- dataset


def make_split(split: str, n: int, seed: int) -> list[dict]:
    """n items of one split; each split has its own generator so sizes of one never change another."""
    r = random.Random(f"autoexp-sample-{seed}-{split}")  # str seeds hash with SHA-512: stable across runs
    rows = []
    order: list[int] = []
    for i in range(n):
        if not order:  # every topic once per cycle, in a fresh order, so each split covers all topics
            order = list(range(len(TOPICS)))
            r.shuffle(order)
        topic, make = TOPICS[order.pop()]
        turns, summaries = make(r)
        dialogue = "\n".join(f"{P(s)}: {text}" for s, text in turns)
        refs = summaries[:]
        r.shuffle(refs)
        rows.append({
            "fname": f"{split}_{i}",
            "dialogue": dialogue,
            "summary": refs[0],
            "topic": topic,
            "references": refs,
        })
    return rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(train: int, dev: int, test: int, seed: int) -> dict[str, bytes]:
    """File name -> exact bytes of every file of the dataset."""
    tr, dv, te = make_split("train", train, seed), make_split("dev", dev, seed), make_split("test", test, seed)
    full = ["fname", "dialogue", "summary", "topic"]
    return {
        "train.csv": to_csv(full, [[x[c] for c in full] for x in tr]),
        "dev.csv": to_csv(full, [[x[c] for c in full] for x in dv]),
        "test.csv": to_csv(["fname", "dialogue"], [[x["fname"], x["dialogue"]] for x in te]),
        "sample_submission.csv": to_csv(["fname", "summary"], [[x["fname"], ""] for x in te]),
        "test_references.csv": to_csv(
            ["fname", "summary1", "summary2", "summary3"], [[x["fname"], *x["references"]] for x in te]
        ),
    }


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description="Write the deterministic Korean sample dataset (competition layout).")
    ap.add_argument("--out", default=str(root / "data" / "sample"), help="output folder (default: data/sample)")
    ap.add_argument("--train", type=int, default=200, help="train rows (default 200)")
    ap.add_argument("--dev", type=int, default=50, help="dev rows (default 50)")
    ap.add_argument("--test", type=int, default=50, help="test rows (default 50)")
    ap.add_argument("--seed", type=int, default=20261126, help="seed (default 20261126)")
    args = ap.parse_args(argv)
    for name in ("train", "dev", "test"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be at least 1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = build(args.train, args.dev, args.test, args.seed)
    for name, data in files.items():
        write_atomic(out / name, data)
    print(f"wrote {', '.join(files)} to {out} (train {args.train}, dev {args.dev}, test {args.test}, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
