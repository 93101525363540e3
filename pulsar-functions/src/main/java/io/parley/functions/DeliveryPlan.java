package io.parley.functions;

import io.parley.schemas.events.DeviceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one event goes: per gateway, the devices connected there; and the members with no live
 * device (candidates for a push).
 */
public record DeliveryPlan(Map<String, List<DeviceRef>> byGateway, Set<String> offlineUsers) {}
