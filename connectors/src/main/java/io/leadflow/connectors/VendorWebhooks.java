package io.leadflow.connectors;

import io.leadflow.connectors.amocrm.AmoCrmWebhook;
import io.leadflow.connectors.bitrix24.Bitrix24Webhook;
import io.leadflow.connectors.calltouch.CallTouchWebhook;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.mango.MangoWebhook;
import io.leadflow.connectors.zadarma.ZadarmaWebhook;

import java.util.List;

/** Every vendor webhook the gateway serves. */
public final class VendorWebhooks {
    private VendorWebhooks() {
    }

    public static List<VendorWebhook> all() {
        return List.of(new MangoWebhook(), new ZadarmaWebhook(), new CallTouchWebhook(), new Bitrix24Webhook(), new AmoCrmWebhook());
    }
}
