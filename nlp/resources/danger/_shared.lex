# Word lists shared by every danger signal. Matched against normalised (simplified) text.

# People a threat or an act can be aimed at.
@who = 你 他 她 你们 他们 她们 我 我们 咱 咱们 谁 全家 一家 你全家 他全家 我全家 他家人 你家人 一家人 全家人 这家人 那家人 人
@who = 老板 包工头 工头 村长 支书 书记 主任 老子 这个人 那个人 对方 那小子 狗日的 王八蛋
# Dependants: people who cannot look after themselves.
@dependant = 老人 孩子 小孩 婴儿 娃 娃娃 娃儿 小娃 病人 残疾人 残疾 瘫痪 老母亲 老父亲 老爷子 老太太 老娘 老爹 老妈 老爸 我妈 我爸 他妈 他爸 她妈 她爸 母亲 父亲
@dependant = 奶奶 爷爷 外婆 外公 姥姥 姥爷 老奶奶 老大爷 老汉 老妇人 老头 老太 婆婆 公公 智障 精神病人 孤寡老人 留守儿童 五保户 幼儿 孙子 孙女 小孙子 宝宝 闺女 儿子 女儿 孕妇 产妇
# People one holds or locks up.
@person = 人 他 她 我 我们 他们 她们 你 你们 工人 老人 孩子 小孩 老公 老婆 女儿 儿子 母亲 父亲 老父亲 老母亲 媳妇 丈夫 妻子 男人 女人 爸 妈 兄弟 工友 老板 包工头 村干部 干部 调解员 网格员 民警 司机 业主 医生 护士 债务人 欠款人
# Hands on a weapon.
@hold = 拿 提 举 握 抄 挥 抡 亮 掏 揣 拎 操 攥 扛 端 舞 持 带 背 别
@blade = 菜刀 刀子 砍刀 水果刀 杀猪刀 柴刀 匕首 尖刀 剔骨刀 西瓜刀 弹簧刀 大刀 刀 剪刀 斩骨刀 镰刀
@tool = 斧头 斧子 锄头 铁锹 铁锨 钢管 铁棍 木棍 棍子 棒子 棍棒 砖头 板砖 榔头 锤子 扁担 钉耙 铁锤 板凳 酒瓶 啤酒瓶 铁锄 铁叉 粪叉 钢叉 扳手 钢筋 撬棍 洋镐 十字镐 铁镐 镢头 木棒 铁链 甩棍 电棍 铁铲 铲子 耙子 凶器 家伙 家伙事
@gun = 枪 猎枪 土枪 火药枪 气枪 弓弩 弩 弹弓 鸟枪 仿真枪
# Harm to the body or to life that a threat names.
@kill = 杀 砍 捅 剁 宰 弄死 打死 整死 搞死 掐死 勒死 砍死 捅死 毒死 烧死 杀掉 干掉 做掉 宰了 灭了 废了 卸了 打断 打残 打废 弄残 砍残 打瘸 打成残废 捅几刀 砍几刀 放血
# Being kept from leaving.
@leave = 走 出门 离开 回家 出来 出去 下车 下楼 出村 出厂 出院子 报警 打电话
