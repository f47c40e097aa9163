import pytest

from sharecity.market.messaging.contacts import contact_kinds


@pytest.mark.parametrize(("text", "kinds"), [
    ("我的电话 13812345678，到了打给我", ["phone"]),
    ("手机：+86 138-1234-5678", ["phone"]),
    ("座机 0592-5551234", ["phone"]),
    ("全角号码１３８１２３４５６７８", ["phone"]),
    ("加我微信 lab_helper01 细聊", ["wechat"]),
    ("vx: abc123456", ["wechat"]),
    ("QQ 123456789", ["qq"]),
    ("发邮件到 someone@example.cn", ["email"]),
    ("看这里 https://example.com/deal", ["url"]),
    ("电话13812345678 微信 abcdef1", ["phone", "wechat"]),
])
def test_contact_details_are_found(text, kinds):
    assert contact_kinds(text) == kinds


@pytest.mark.parametrize("text", [
    "明天 2026-11-24 14:00 到实验楼 3 层",
    "总价 ¥300.00，押金 500 元",
    "样品 12 个，每个 5 克",
    "微信支付可以吗",
    "",
])
def test_ordinary_messages_are_not_flagged(text):
    assert contact_kinds(text) == []
