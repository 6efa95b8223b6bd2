# Word lists shared by the urgency factors (nlp/factors.py). Format: nlp/lexicon.py.
# Units that count people or households, for "ten or more people or households" (labels.md).
@people_unit = 人 户 家 名 位 个人 个工人 名工人 位工人 名农民工 个农民工 名员工 个员工 位老人 名村民 个村民 户村民 户人家 户居民 户业主 位业主 名业主 名职工 个职工 名学生 个学生 名群众 个家庭 家住户 户住户 名工友 个工友 名家长 位家长 名租户 户租户 名骑手 名保姆 名护工 名师傅 个师傅 名小工 个小工 名工匠 人次
# Spans of time that say how long ago something happened.
@unit_day = 天 日
@unit_hour = 小时 个小时 钟头 个钟头
@unit_long = 个月 月 年 周 星期 个星期 礼拜 个礼拜
