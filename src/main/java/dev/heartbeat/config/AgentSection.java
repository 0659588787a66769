package dev.heartbeat.config;

/** The agent, context, pricing and budget sections. */
final class AgentSection extends Section {
    AgentSection(Input in) {
        super(in);
    }

    void agent() {
        if (!ConfigLoader.AGENT_NAME.matcher(config.agent().name()).matches()) {
            throw parse.error(
                    "/agent/name",
                    "'" + config.agent().name() + "' is not a usable name: use letters, "
                            + "digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
        }
        if (config.agent().workspace().isBlank()) {
            throw parse.error("/agent/workspace", "must name a folder");
        }
    }

    void context() {
        if (config.context().budgetTokens() < 256) {
            throw parse.error("/context/budget-tokens", "must be at least 256");
        }
        if (config.context().maxTurns() < 0) {
            throw parse.error("/context/max-turns", "must be 0 or more");
        }
        if (config.context().maxToolResultChars() < 256) {
            throw parse.error("/context/max-tool-result-chars", "must be at least 256");
        }
    }

    void pricing() {
        config.pricing().forEach((model, price) -> {
            if (price == null
                    || price.input() < 0
                    || price.output() < 0
                    || price.cacheRead() < 0
                    || price.cacheWrite() < 0) {
                throw parse.error(
                        "/pricing/" + model,
                        "give USD per million tokens, such as "
                                + "{ input: 0.15, output: 0.60 }; prices cannot be negative");
            }
            if (price.cachedInput() != null && parse.has("/pricing/" + model + "/cache-read")) {
                throw parse.error(
                        "/pricing/" + model + "/cached-input",
                        "cached-input is the older name of cache-read; give one of them");
            }
        });
    }

    void budget() {
        AgentConfig.Budget b = config.budget();
        if (b.dailyTokens() != null && b.dailyTokens() < 1) {
            throw parse.error("/budget/daily-tokens", "must be at least 1 (leave it out for no limit)");
        }
        if (b.dailyUsd() != null && b.dailyUsd() <= 0) {
            throw parse.error("/budget/daily-usd", "must be more than 0 (leave it out for no limit)");
        }
        if (b.dailyUsd() != null && config.price().isEmpty()) {
            throw parse.error(
                    "/budget/daily-usd",
                    "needs the price of " + config.model().name() + " in the " + "pricing table (pricing: { "
                            + config.model().name() + ": { input: ..., output: ... } })");
        }
    }
}
