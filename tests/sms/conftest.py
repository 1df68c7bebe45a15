"""SMS tests run with Twilio configured, through the real library and a fake HTTP client."""

import pytest

from tests.sms.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, PUBLIC_BASE_URL, FakeTwilioHttp


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM = FROM
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    settings.SMS_BACKEND = "tests.sms.fake_twilio.FakeTwilioTransport"
    FakeTwilioHttp.reset()
    yield FakeTwilioHttp
    FakeTwilioHttp.reset()
