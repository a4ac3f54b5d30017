package herald.usecase;

/** Every use case, as the edges (the REST API, the UI, the CLI) call them. Built once, by the app. */
public record UseCases(
        IngestUseCases ingest,
        EventUseCases events,
        ServiceUseCases services,
        SubscriptionUseCases subscriptions,
        DeliveryUseCases deliveries,
        SourceUseCases sources,
        SettingsUseCases settings,
        KeyUseCases keys,
        BackupUseCases backup,
        ImportUseCases imports,
        CatalogUseCases catalog,
        UserUseCases users,
        AuditUseCases audit,
        InspectorUseCases inspector,
        DashboardUseCases dashboard,
        TestSendUseCases testSend,
        OpenEdxSourceUseCases openedxSources,
        WebfilterUseCases webfilters,
        HookUseCases hooks,
        GatewayUseCases gateway,
        ErasureUseCases erasure) {}
