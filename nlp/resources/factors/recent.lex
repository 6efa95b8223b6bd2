# It happened within the last day or two, or is happening now (labels.md: "just happened").
今天|今早|今晚|今儿|今日|今晨|今天上午|今天下午|今天早上|刚才|刚刚|现在|正在|此刻|这会儿|眼下|昨天|昨晚|昨日|昨夜|前天|当天|当晚|今天凌晨|凌晨|半夜|这两天|这几天|近日|刚发生|还在
