# Lists the cue guards read (nlp/cues.py): they say when a phrase is not danger now.

# The past: a cue in a clause that names it, with nothing saying now after it, is history.
@past = 去年 前年 上个月 上月 上半年 几年前 多年前 好几年前 前几年 前些年 个月前 几个月前 半年前 周前 星期前 礼拜前 曾经 当年 那年 早年 上回 上次 小时候 以前 之前 早先 那时 那时候 那会儿 十几年前 二十年前 年轻时 年轻的时候 那次 刚结婚时 刚结婚那会
# Words that bring the text back to now after a past word.
@present = 再次 再度 今天 今早 今晚 今儿 今日 今晨 刚才 刚刚 现在 正在 此刻 这会儿 眼下 昨天 昨晚 昨日 前天 当下 马上 还在 又 这几天 这两天 最近 这次 这回 今年 如今 目前 至今 一直 仍然 仍在 还是 天天 经常 近日 近期 当天 当晚 凌晨 随时 依然 照样 屡次
# An injury that has healed makes violence history.
@healed = 已痊愈 痊愈了 已经痊愈 已康复 康复了 已经康复 已复原 已经复原 复原了 已恢复 已经恢复 恢复了 伤好了 伤已经好了 伤早就好了 伤早好了 早就好了 已经好了 后来好了 长好了 已出院 早已出院 出院了 已经出院 拆了线
# Just before a healed word, these say it has not healed.
@not_healed = 无法 没法 很难 难以 不能 不可能 还没 没有 没 未 尚未
# Just before a cue, these deny it.
@negation = 没有 没 未 不会 不至于 并没 没敢 不是 并未 从没 从来没 从未 不曾 没有再 不再 并不 不要 不许 禁止 严禁
# Before a cue in its clause, these make it prevention, not a present danger.
@prevent = 以防 防止 避免 以免 免得 谨防 预防 防范 杜绝 以防止 为了不 防着 提防
# Before a cue in its clause, these make it a supposition, not a fact: "万一打起来怎么办".
@supposition = 万一 假如 假设 会不会 担心会 怕会 害怕会 恐怕会 以后 将来 迟早 早晚 生怕
# Before an event in its clause, these make it a condition; threats and self-harm are
# conditional by nature ("再不给钱就跳楼" is a threat), so conditions do not guard them.
@condition = 要是 如果 倘若 若是 一旦
# Phrases that look like danger and are not: a cue overlapping one (not inside it) is dropped.
@not_danger = 砍价 杀价 砍树 砍柴 砍竹子 杀鸡 杀猪 杀鱼 杀羊 宰鸡 宰羊 宰猪 宰牛 笑死 气死 累死 热死 冷死 吓死 急死 烦死 困死 饿死了我 打死也不 打死都不 打死我也不 杀毒 杀虫 自杀式 炸鸡 炸油条 炸丸子 跳槽 跳舞 跳广场舞 刀削面 切菜 削苹果 削水果 剁饺子馅 剁肉 剁排骨 锁门 锁车 关门 关窗 关机 关店 关停 打官司 打电话 打工 打零工 打扫 打针 打听 打算 打牌 打麻将 打游戏 打卡 打款 打欠条 打借条 打井 打药 打农药 喷农药 打疫苗 打点滴 打吊针 打官腔 杀青 宰客 挨宰 被宰 砍掉 砍伐 砍了树 炸薯条 纵火犯罪 放火烧荒 烧纸 烧香 烧秸秆 烧垃圾 烧水 烧饭 烧菜 烧火 烧炕 扣工资 扣钱 扣押金 扣车 扣证 扣了工资 扣身份证 扣押身份证 锁了门
