// One schema for both databases: only types that SQLite and PostgreSQL both support, and
// `PublicIdSql` for UUIDs (native uuid on PostgreSQL, TEXT on SQLite). First generated with
// `diesel print-schema` from the PostgreSQL migrations, then mapped by hand; keep it in step with
// both migration folders (see migrations/README.md).

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    audit_chain_heads (chain_key) {
        chain_key -> BigInt,
        last_hash -> Text,
        entries -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    audit_log (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> Nullable<BigInt>,
        actor_user_id -> Nullable<BigInt>,
        actor_email -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        old_values -> Nullable<Text>,
        new_values -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    auth_tokens (id) {
        id -> BigInt,
        organization_id -> Nullable<BigInt>,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    call_days (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        day -> Date,
        status -> Text,
        outcome -> Text,
        loss_reason_id -> BigInt,
        calls -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    calls (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        user_id -> BigInt,
        client_id -> Nullable<BigInt>,
        prospect_name -> Text,
        prospect_email -> Nullable<Text>,
        prospect_phone -> Nullable<Text>,
        call_type -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        loss_reason_id -> Nullable<BigInt>,
        notes -> Nullable<Text>,
        duration_seconds -> Nullable<Integer>,
        scheduled_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        rescheduled_to -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    clients (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        satisfaction_rating -> Nullable<Integer>,
        notes -> Nullable<Text>,
        purchase_total_minor -> BigInt,
        is_active -> Bool,
        created_by_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        outstanding_minor -> BigInt,
        balance_status -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    commissions (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        deal_id -> BigInt,
        user_id -> BigInt,
        base_minor -> BigInt,
        rate_bp -> Integer,
        commission_minor -> BigInt,
        currency -> Text,
        exchange_rate_e4 -> BigInt,
        converted_minor -> BigInt,
        bonus_minor -> BigInt,
        penalty_minor -> BigInt,
        penalty_reason -> Nullable<Text>,
        final_minor -> BigInt,
        status -> Text,
        paid_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    contracts (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        contract_number -> Text,
        order_id -> BigInt,
        status -> Text,
        billing_provider -> Nullable<Text>,
        billing_customer_id -> Nullable<Text>,
        billing_invoices -> Nullable<Text>,
        billing_metadata -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        partner_id -> Nullable<BigInt>,
        distributor_id -> Nullable<BigInt>,
        activation_date -> Timestamp,
        expiration_date -> Timestamp,
        renewed_from_id -> Nullable<BigInt>,
        total_value_minor -> BigInt,
        currency -> Text,
        notes_internal -> Nullable<Text>,
        expiry_notified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    deal_activities (id) {
        id -> BigInt,
        organization_id -> BigInt,
        deal_id -> BigInt,
        user_id -> BigInt,
        action -> Text,
        description -> Nullable<Text>,
        old_values -> Nullable<Text>,
        new_values -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    deals (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        deal_number -> Text,
        client_id -> BigInt,
        project_id -> Nullable<BigInt>,
        amount_minor -> BigInt,
        currency -> Text,
        description -> Nullable<Text>,
        status -> Text,
        payment_method -> Nullable<Text>,
        payment_status -> Text,
        verification_status -> Text,
        client_status -> Text,
        paid_minor -> BigInt,
        is_original -> Bool,
        deal_date -> Date,
        due_date -> Nullable<Date>,
        source -> Text,
        created_by_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        exchange_rate_e4 -> BigInt,
        amount_org_minor -> BigInt,
        paid_org_minor -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    distributor_partners (id) {
        id -> BigInt,
        organization_id -> BigInt,
        distributor_id -> BigInt,
        partner_id -> BigInt,
        assigned_at -> Timestamp,
        assigned_by_id -> Nullable<BigInt>,
        is_active -> Bool,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    distributors (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        legal_name -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        country -> Nullable<Text>,
        is_active -> Bool,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    durations (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        months -> Integer,
        name -> Text,
        discount_bp -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    email_outbox (id) {
        id -> BigInt,
        organization_id -> Nullable<BigInt>,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        next_attempt_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    invoices (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        payment_id -> BigInt,
        invoice_number -> Nullable<Text>,
        amount_minor -> BigInt,
        tax_rate_bp -> Integer,
        tax_minor -> BigInt,
        total_minor -> BigInt,
        currency -> Text,
        status -> Text,
        file_path -> Nullable<Text>,
        issued_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        tax_included -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    lead_activities (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        lead_id -> BigInt,
        activity_type -> Text,
        subject -> Text,
        description -> Nullable<Text>,
        due_at -> Nullable<Timestamp>,
        done -> Bool,
        done_at -> Nullable<Timestamp>,
        user_id -> Nullable<BigInt>,
        provider_name -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        provider_metadata -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    lead_notes (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        lead_id -> BigInt,
        content -> Text,
        created_by_id -> Nullable<BigInt>,
        provider_name -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    lead_status_history (id) {
        id -> BigInt,
        organization_id -> BigInt,
        lead_id -> BigInt,
        old_status -> Nullable<Text>,
        new_status -> Text,
        changed_by_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    leads (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        title -> Text,
        company_name -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        value_minor -> Nullable<BigInt>,
        currency -> Text,
        status -> Text,
        probability -> Nullable<Integer>,
        expected_close_date -> Nullable<Date>,
        owner_id -> Nullable<BigInt>,
        partner_id -> Nullable<BigInt>,
        distributor_id -> Nullable<BigInt>,
        provider_name -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        provider_metadata -> Nullable<Text>,
        last_sync_at -> Nullable<Timestamp>,
        sync_status -> Nullable<Text>,
        sync_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    login_attempts (id) {
        id -> BigInt,
        ip_address -> Text,
        email -> Text,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    loss_reasons (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    notes (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        order_id -> Nullable<BigInt>,
        contract_id -> Nullable<BigInt>,
        content -> Text,
        is_internal -> Bool,
        is_pinned -> Bool,
        created_by_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    notification_preferences (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        in_app_enabled -> Bool,
        email_enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    notification_settings (user_id) {
        user_id -> BigInt,
        organization_id -> BigInt,
        email_enabled -> Bool,
        in_app_enabled -> Bool,
        sms_enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    notification_templates (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        kind -> Text,
        name -> Text,
        title -> Text,
        message -> Text,
        variables -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    notifications (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        kind -> Text,
        title -> Text,
        message -> Text,
        data -> Nullable<Text>,
        priority -> Text,
        created_by_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    number_sequences (organization_id, kind) {
        organization_id -> BigInt,
        kind -> Text,
        last_value -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    order_items (id) {
        id -> BigInt,
        organization_id -> BigInt,
        order_id -> BigInt,
        product_id -> BigInt,
        duration_id -> Nullable<BigInt>,
        quantity -> Integer,
        unit_price_e4 -> BigInt,
        discount_bp -> Integer,
        subtotal_minor -> BigInt,
        discount_minor -> BigInt,
        total_minor -> BigInt,
        product_name -> Text,
        product_type -> Text,
        product_unit -> Text,
        is_subscription -> Bool,
        duration_months -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    orders (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        order_number -> Text,
        status -> Text,
        client_id -> Nullable<BigInt>,
        partner_id -> Nullable<BigInt>,
        distributor_id -> Nullable<BigInt>,
        lead_id -> Nullable<BigInt>,
        created_by_id -> BigInt,
        currency -> Text,
        subtotal_minor -> BigInt,
        discount_minor -> BigInt,
        tax_rate_bp -> Integer,
        tax_minor -> BigInt,
        total_minor -> BigInt,
        billing_provider -> Nullable<Text>,
        billing_quote_id -> Nullable<Text>,
        billing_metadata -> Nullable<Text>,
        crm_provider -> Nullable<Text>,
        crm_deal_id -> Nullable<Text>,
        crm_metadata -> Nullable<Text>,
        notes_internal -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        fulfilled_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    organizations (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        name -> Text,
        description -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        website -> Nullable<Text>,
        logo_path -> Nullable<Text>,
        currency -> Text,
        timezone -> Text,
        working_days_mask -> Integer,
        tax_rate_bp -> Integer,
        default_commission_bp -> Integer,
        target_bonus_bp -> Integer,
        second_approval_threshold_minor -> Nullable<BigInt>,
        sales_goal_minor -> Nullable<BigInt>,
        low_stock_warning -> Integer,
        low_stock_critical -> Integer,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        allow_private_providers -> Bool,
        prices_include_tax -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    partners (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        legal_name -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        country -> Nullable<Text>,
        is_active -> Bool,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    payment_approvals (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        payment_id -> BigInt,
        approver_id -> BigInt,
        step -> Integer,
        decision -> Text,
        comments -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    payments (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        transaction_number -> Text,
        deal_id -> BigInt,
        amount_minor -> BigInt,
        currency -> Text,
        exchange_rate_e4 -> BigInt,
        category -> Text,
        method -> Text,
        status -> Text,
        payment_date -> Date,
        cheque_number -> Nullable<Text>,
        bank_reference -> Nullable<Text>,
        receipt_path -> Nullable<Text>,
        receipt_content_type -> Nullable<Text>,
        notes -> Nullable<Text>,
        failure_reason -> Nullable<Text>,
        received_amount_minor -> Nullable<BigInt>,
        verified_by_id -> Nullable<BigInt>,
        verified_at -> Nullable<Timestamp>,
        created_by_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        counted_minor -> BigInt,
        counted_org_minor -> BigInt,
        owner_id -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    price_tiers (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        product_id -> BigInt,
        min_quantity -> Integer,
        max_quantity -> Nullable<Integer>,
        unit_price_e4 -> BigInt,
        period -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    products (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        product_type -> Text,
        unit -> Text,
        category -> Nullable<Text>,
        description -> Nullable<Text>,
        pricing_model -> Text,
        is_subscription -> Bool,
        track_stock -> Bool,
        stock -> Integer,
        image_path -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    projects (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        team_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        status -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        created_by_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    provider_configs (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        provider_type -> Text,
        provider_name -> Text,
        is_active -> Bool,
        configuration -> Nullable<Text>,
        credentials_encrypted -> Nullable<Text>,
        webhook_secret_encrypted -> Nullable<Text>,
        health_status -> Text,
        last_health_check -> Nullable<Timestamp>,
        health_check_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    provider_sync_logs (id) {
        id -> BigInt,
        organization_id -> BigInt,
        provider_id -> BigInt,
        sync_type -> Text,
        entity_type -> Text,
        direction -> Text,
        records_synced -> Integer,
        records_failed -> Integer,
        error_details -> Nullable<Text>,
        status -> Text,
        started_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    role_permissions (role_id, permission) {
        organization_id -> BigInt,
        role_id -> BigInt,
        permission -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    roles (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        system_key -> Nullable<Text>,
        commission_rate_bp -> Nullable<Integer>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    sessions (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> Nullable<BigInt>,
        user_id -> BigInt,
        token_hash -> Text,
        ip_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    streak_records (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        day -> Date,
        deals_created -> Integer,
        payments_verified -> Integer,
        verified_minor -> BigInt,
        streak_count -> Integer,
        is_counted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    decision_waits (id) {
        id -> BigInt,
        organization_id -> BigInt,
        day -> Date,
        bucket -> Integer,
        payments -> BigInt,
    }
}

diesel::table! {
    partner_counts (id) {
        id -> BigInt,
        organization_id -> BigInt,
        partner_id -> BigInt,
        distributor_id -> BigInt,
        kind -> Text,
        status -> Text,
        total -> BigInt,
    }
}

diesel::table! {
    partner_days (id) {
        id -> BigInt,
        organization_id -> BigInt,
        day -> Date,
        partner_id -> BigInt,
        distributor_id -> BigInt,
        orders -> BigInt,
        revenue_minor -> BigInt,
    }
}

diesel::table! {
    partner_org_days (id) {
        id -> BigInt,
        organization_id -> BigInt,
        day -> Date,
        orders -> BigInt,
        revenue_minor -> BigInt,
    }
}

diesel::table! {
    verification_days (id) {
        id -> BigInt,
        organization_id -> BigInt,
        day -> Date,
        method -> Text,
        status -> Text,
        failure_reason -> Text,
        payments -> BigInt,
        amount_minor -> BigInt,
    }
}

diesel::table! {
    sales_days (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        day -> Date,
        verified_count -> BigInt,
        verified_minor -> BigInt,
        pending_count -> BigInt,
        pending_minor -> BigInt,
        rejected_count -> BigInt,
        rejected_minor -> BigInt,
    }
}

diesel::table! {
    sales_owner_stats (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        open_deals -> BigInt,
        outstanding_minor -> BigInt,
        pending_payments -> BigInt,
        pending_minor -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    teams (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        lead_user_id -> Nullable<BigInt>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    user_notifications (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        notification_id -> BigInt,
        is_read -> Bool,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    user_profiles (user_id) {
        user_id -> BigInt,
        organization_id -> Nullable<BigInt>,
        timezone -> Nullable<Text>,
        language -> Text,
        avatar_path -> Nullable<Text>,
        bio -> Nullable<Text>,
        preferences -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    users (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> Nullable<BigInt>,
        role_id -> Nullable<BigInt>,
        team_id -> Nullable<BigInt>,
        partner_id -> Nullable<BigInt>,
        distributor_id -> Nullable<BigInt>,
        email -> Text,
        password_hash -> Text,
        first_name -> Text,
        last_name -> Text,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        auth_provider -> Text,
        external_id -> Nullable<Text>,
        is_platform_admin -> Bool,
        is_active -> Bool,
        is_verified -> Bool,
        must_change_password -> Bool,
        sales_target_minor -> Nullable<BigInt>,
        commission_rate_bp -> Nullable<Integer>,
        current_streak -> Integer,
        failed_login_count -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        password_changed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::PublicIdSql;

    webhook_events (id) {
        id -> BigInt,
        public_id -> PublicIdSql,
        organization_id -> BigInt,
        provider_name -> Text,
        provider_type -> Text,
        event_type -> Text,
        event_id -> Text,
        payload -> Text,
        status -> Text,
        processed_at -> Nullable<Timestamp>,
        error_message -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        headers -> Nullable<Text>,
        received_at -> Timestamp,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        provider_config_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_verifications (chain_key) {
        chain_key -> BigInt,
        verified_through_id -> BigInt,
        verified_hash -> Text,
        verified_entries -> BigInt,
        broken_at_id -> Nullable<BigInt>,
        head_mismatch -> Bool,
        last_full_check_at -> Nullable<Timestamp>,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    organization_stats (organization_id) {
        organization_id -> BigInt,
        users_total -> BigInt,
        users_active -> BigInt,
        deals_total -> BigInt,
        verified_revenue_minor -> BigInt,
        calls_total -> BigInt,
        calls_completed -> BigInt,
        calls_no_show -> BigInt,
        calls_won -> BigInt,
    }
}

diesel::joinable!(audit_log -> organizations (organization_id));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(auth_tokens -> organizations (organization_id));
diesel::joinable!(auth_tokens -> users (user_id));
diesel::joinable!(calls -> clients (client_id));
diesel::joinable!(calls -> loss_reasons (loss_reason_id));
diesel::joinable!(calls -> organizations (organization_id));
diesel::joinable!(calls -> users (user_id));
diesel::joinable!(clients -> organizations (organization_id));
diesel::joinable!(clients -> users (created_by_id));
diesel::joinable!(commissions -> deals (deal_id));
diesel::joinable!(commissions -> organizations (organization_id));
diesel::joinable!(commissions -> users (user_id));
diesel::joinable!(contracts -> distributors (distributor_id));
diesel::joinable!(contracts -> orders (order_id));
diesel::joinable!(contracts -> organizations (organization_id));
diesel::joinable!(contracts -> partners (partner_id));
diesel::joinable!(contracts -> users (user_id));
diesel::joinable!(deal_activities -> deals (deal_id));
diesel::joinable!(deal_activities -> organizations (organization_id));
diesel::joinable!(deal_activities -> users (user_id));
diesel::joinable!(deals -> clients (client_id));
diesel::joinable!(deals -> organizations (organization_id));
diesel::joinable!(deals -> projects (project_id));
diesel::joinable!(deals -> users (created_by_id));
diesel::joinable!(distributor_partners -> distributors (distributor_id));
diesel::joinable!(distributor_partners -> organizations (organization_id));
diesel::joinable!(distributor_partners -> partners (partner_id));
diesel::joinable!(distributor_partners -> users (assigned_by_id));
diesel::joinable!(distributors -> organizations (organization_id));
diesel::joinable!(durations -> organizations (organization_id));
diesel::joinable!(email_outbox -> organizations (organization_id));
diesel::joinable!(invoices -> organizations (organization_id));
diesel::joinable!(invoices -> payments (payment_id));
diesel::joinable!(lead_activities -> leads (lead_id));
diesel::joinable!(lead_activities -> organizations (organization_id));
diesel::joinable!(lead_activities -> users (user_id));
diesel::joinable!(lead_notes -> leads (lead_id));
diesel::joinable!(lead_notes -> organizations (organization_id));
diesel::joinable!(lead_notes -> users (created_by_id));
diesel::joinable!(lead_status_history -> leads (lead_id));
diesel::joinable!(lead_status_history -> organizations (organization_id));
diesel::joinable!(lead_status_history -> users (changed_by_id));
diesel::joinable!(leads -> distributors (distributor_id));
diesel::joinable!(leads -> organizations (organization_id));
diesel::joinable!(leads -> partners (partner_id));
diesel::joinable!(leads -> users (owner_id));
diesel::joinable!(loss_reasons -> organizations (organization_id));
diesel::joinable!(notes -> contracts (contract_id));
diesel::joinable!(notes -> orders (order_id));
diesel::joinable!(notes -> organizations (organization_id));
diesel::joinable!(notes -> users (created_by_id));
diesel::joinable!(notification_preferences -> organizations (organization_id));
diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(notification_settings -> organizations (organization_id));
diesel::joinable!(notification_settings -> users (user_id));
diesel::joinable!(notification_templates -> organizations (organization_id));
diesel::joinable!(organization_stats -> organizations (organization_id));
diesel::joinable!(notifications -> organizations (organization_id));
diesel::joinable!(notifications -> users (created_by_id));
diesel::joinable!(number_sequences -> organizations (organization_id));
diesel::joinable!(order_items -> durations (duration_id));
diesel::joinable!(order_items -> orders (order_id));
diesel::joinable!(order_items -> organizations (organization_id));
diesel::joinable!(order_items -> products (product_id));
diesel::joinable!(orders -> clients (client_id));
diesel::joinable!(orders -> distributors (distributor_id));
diesel::joinable!(orders -> leads (lead_id));
diesel::joinable!(orders -> organizations (organization_id));
diesel::joinable!(orders -> partners (partner_id));
diesel::joinable!(orders -> users (created_by_id));
diesel::joinable!(partners -> organizations (organization_id));
diesel::joinable!(payment_approvals -> organizations (organization_id));
diesel::joinable!(payment_approvals -> payments (payment_id));
diesel::joinable!(payment_approvals -> users (approver_id));
diesel::joinable!(payments -> deals (deal_id));
diesel::joinable!(payments -> organizations (organization_id));
diesel::joinable!(price_tiers -> organizations (organization_id));
diesel::joinable!(price_tiers -> products (product_id));
diesel::joinable!(products -> organizations (organization_id));
diesel::joinable!(projects -> organizations (organization_id));
diesel::joinable!(projects -> teams (team_id));
diesel::joinable!(projects -> users (created_by_id));
diesel::joinable!(provider_configs -> organizations (organization_id));
diesel::joinable!(provider_sync_logs -> organizations (organization_id));
diesel::joinable!(provider_sync_logs -> provider_configs (provider_id));
diesel::joinable!(role_permissions -> organizations (organization_id));
diesel::joinable!(role_permissions -> roles (role_id));
diesel::joinable!(roles -> organizations (organization_id));
diesel::joinable!(sessions -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(streak_records -> organizations (organization_id));
diesel::joinable!(streak_records -> users (user_id));
diesel::joinable!(teams -> organizations (organization_id));
diesel::joinable!(user_notifications -> notifications (notification_id));
diesel::joinable!(user_notifications -> organizations (organization_id));
diesel::joinable!(user_notifications -> users (user_id));
diesel::joinable!(user_profiles -> organizations (organization_id));
diesel::joinable!(user_profiles -> users (user_id));
diesel::joinable!(users -> distributors (distributor_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(users -> partners (partner_id));
diesel::joinable!(users -> roles (role_id));
diesel::joinable!(webhook_events -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_chain_heads,
    audit_log,
    audit_verifications,
    auth_tokens,
    call_days,
    calls,
    clients,
    commissions,
    contracts,
    deal_activities,
    deals,
    distributor_partners,
    distributors,
    durations,
    email_outbox,
    invoices,
    lead_activities,
    lead_notes,
    lead_status_history,
    leads,
    login_attempts,
    loss_reasons,
    notes,
    notification_preferences,
    notification_settings,
    notification_templates,
    notifications,
    number_sequences,
    order_items,
    orders,
    organization_stats,
    organizations,
    partners,
    payment_approvals,
    payments,
    price_tiers,
    products,
    projects,
    provider_configs,
    provider_sync_logs,
    role_permissions,
    roles,
    decision_waits,
    partner_counts,
    partner_days,
    partner_org_days,
    sales_days,
    verification_days,
    sales_owner_stats,
    sessions,
    streak_records,
    teams,
    user_notifications,
    user_profiles,
    users,
    webhook_events,
);
