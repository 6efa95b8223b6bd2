# It happened weeks or more ago (labels.md: history; makes a still-open conflict medium at most).
去年|前年|上个月|上月|上半年|几年前|多年前|好几年前|前几年|前些年|几个月前|半年前|半个月前|曾经|当年|那年|早年|上回|上次|以前|早些年|十几年前|年轻时|上周|上星期|上礼拜|多年来|这些年|这么多年|几十年|一直以来|长期|历史遗留|遗留问题|老问题|老矛盾|积怨
