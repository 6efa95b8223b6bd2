# A dependent person is part of the dispute (labels.md: with care medium or low; without care is danger).
老人|老母亲|老父亲|老太太|老爷子|老两口|瘫痪|残疾|病人|重病|癌症|尿毒症|透析|孕妇|婴儿|幼儿|留守|孤寡|五保户|低保户|智障|精神病|老年痴呆|失智|卧床|生活不能自理|行动不便|坐轮椅|患病|住院
八十|九十|七十|八旬|九旬|七旬|耄耋 多? 岁|旬|高龄
无人赡养|不赡养|不尽赡养|赡养费|抚养费|抚养|监护|照顾 ~2 老人|孩子|母亲|父亲
