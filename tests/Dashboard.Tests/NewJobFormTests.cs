using System.Text.Json.Nodes;
using AutoDesign.Contracts;
using AutoDesign.Dashboard.Api;
using AutoDesign.Dashboard.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Dashboard.Tests;

public class NewJobFormTests : DashboardTest
{
    [Fact]
    public void The_APIs_messages_appear_beside_the_fields_they_name_and_nothing_navigates()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Invalid(new Dictionary<string, string[]>
        {
            ["constraint.ratio"] = ["must be in (0, 1], got 1.5"],
            ["budget.episodes"] = ["must be between 1 and 100,000, got 0"],
            ["pruning.lowerBound"] = ["must be in (0, 1]"],
        });
        var page = Render<NewJobPage>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        string before = navigation.Uri;

        page.Find("#constraint-ratio").Change("1.5");
        page.Find("#budget-episodes").Change("0");
        page.Find("form").Submit();

        Assert.Contains("must be in (0, 1], got 1.5", page.Find("[data-field='constraint.ratio'] .field-error").TextContent);
        Assert.Contains("got 0", page.Find("[data-field='budget.episodes'] .field-error").TextContent);
        Assert.Contains("pruning.lowerBound: must be in (0, 1]", page.Markup); // a field the form has no input for is still named
        Assert.Equal(before, navigation.Uri);
        Assert.Equal(1.5, Api.Submitted.Single()["constraint"]!["ratio"]!.GetValue<double>());
    }

    [Fact]
    public void A_valid_job_is_submitted_as_filled_in_and_opens_its_page()
    {
        var created = FakeApi.Job("prune", "resnet20", "random", "queued", null, 0, 30, DateTime.UtcNow);
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(created);
        var page = Render<NewJobPage>();

        page.Find("#model").Change("resnet20");
        page.Find("#dataset").Change("fashion-mnist");
        page.Find("#agent").Change("random");
        page.Find("#constraint-metric").Change("latency");
        page.Find("#constraint-target").Change("bitfusion");
        page.Find("#limit").Change("max");
        page.Find("#constraint-max").Change("2.5");
        page.Find("#budget-episodes").Change("30");
        page.Find("#seed").Change("7");
        page.Find("form").Submit();

        var spec = Api.Submitted.Single();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"kind":"prune","model":"resnet20","dataset":"fashion-mnist","agent":"random","constraint":{"metric":"latency","target":"bitfusion","max":2.5},
             "budget":{"episodes":30},"seed":7}
            """), spec), spec.ToJsonString()); // no ratio (the limit is absolute), no warm-up (it is ddpg's), no 'limit' (it only steers the form)
        Assert.EndsWith($"jobs/{created.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void A_blank_warm_up_is_left_to_the_service_and_says_what_it_will_be()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(FakeApi.Job("prune", "lenet5", "ddpg", "queued", null, 0, 40, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#agent").Change("ddpg");
        Assert.Equal("blank: the paper's 100, at most half the episodes", page.Find("#budget-warmupEpisodes").GetAttribute("placeholder"));
        page.Find("form").Submit();

        var budget = Api.Submitted.Single()["budget"]!.AsObject();
        Assert.False(budget.ContainsKey("warmupEpisodes"), budget.ToJsonString()); // the kind's rule decides
        Assert.Equal(40L, budget["episodes"]!.GetValue<long>());
    }

    [Fact]
    public void The_choices_come_from_the_service()
    {
        var page = Render<NewJobPage>();

        Assert.Equal(["lenet5", "resnet20"], page.FindAll("#model-choices option").Select(o => o.GetAttribute("value")));
        Assert.Equal(["", "mnist", "fashion-mnist"], page.FindAll("#dataset option").Select(o => o.GetAttribute("value")));
        Assert.Equal(["", "ddpg", "uniform", "random"], page.FindAll("#agent option").Select(o => o.GetAttribute("value")));
        Assert.Empty(page.FindAll("#constraint-target"));
        page.Find("#constraint-metric").Change("latency");
        Assert.Contains("torchsharp-cpu", page.FindAll("#constraint-target option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void A_kind_the_dashboard_has_no_code_for_is_offered_with_its_fields_and_submitted()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(FakeApi.Job("circuit", "", "anneal", "queued", null, 0, 1, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("circuit");
        Assert.Empty(page.FindAll("#budget-episodes"));
        Assert.Equal(["", "anneal"], page.FindAll("#agent option").Select(o => o.GetAttribute("value")));
        page.Find("#qubits").Change("6");
        page.Find("#device-name").Change("bitfusion");
        page.Find("form").Submit();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"kind":"circuit","qubits":6,"device":{"name":"bitfusion"},"agent":"anneal"}"""), Api.Submitted.Single()),
            Api.Submitted.Single().ToJsonString());
    }

    [Fact]
    public void A_number_that_is_not_one_is_named_before_anything_is_sent()
    {
        var page = Render<NewJobPage>();

        page.Find("#budget-episodes").Change("many");
        page.Find("form").Submit();

        Assert.Contains("must be a whole number", page.Find("[data-field='budget.episodes'] .field-error").TextContent);
        Assert.Empty(Api.Submitted);
    }

    [Fact]
    public void When_the_server_wants_a_key_the_form_asks_for_one_and_the_session_keeps_it()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.NeedsKey("this change needs an API key (header X-Api-Key)");
        var page = Render<NewJobPage>();
        Assert.Empty(page.FindAll(".key-prompt"));

        page.Find("form").Submit();
        page.Find(".key-prompt input").Change("secret-key");
        page.Find(".key-prompt button").Click();

        Assert.Equal("secret-key", Services.GetRequiredService<ApiKeySession>().Key);
        Assert.Empty(page.FindAll(".key-prompt"));
        Assert.Contains("needs an API key", page.Markup);
    }

    [Fact]
    public void An_architecture_search_over_a_super_network_is_submitted_with_its_evaluations_and_absolute_limit()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(FakeApi.Job("nas", "fashion", "evolution", "queued", null, 0, 50, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("nas");
        page.Find("#supernet").Change("fashion");
        page.Find("#constraint-metric").Change("latency");
        page.Find("#constraint-max").Change("2.5");
        page.Find("#budget-evaluations").Change("50");
        page.Find("form").Submit();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"kind":"nas","supernet":"fashion","agent":"evolution","constraint":{"metric":"latency","max":2.5},"budget":{"evaluations":50}}
            """), Api.Submitted.Single()), Api.Submitted.Single().ToJsonString());
    }

    [Fact]
    public void A_table_search_sends_its_constant_type_and_its_decisions_as_a_list()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(FakeApi.Job("nas", "bench.csv", "random", "queued", null, 0, 50, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("nas");
        page.Find("#space").Change("table");
        page.Find("#space-path").Change("bench.csv");
        page.Find("#space-decisions").Change("k0, k1 ,e0");
        page.Find("form").Submit();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"kind":"nas","space":{"type":"table","path":"bench.csv","decisions":["k0","k1","e0"]},"agent":"evolution","budget":{"evaluations":100}}
            """), Api.Submitted.Single()), Api.Submitted.Single().ToJsonString());
    }

    [Fact]
    public void A_predictor_guided_search_is_submitted_with_its_predictor_and_how_many_to_confirm()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(FakeApi.Job("nas", "fashion", "nsga2", "queued", null, 0, 2000, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("nas");
        page.Find("#supernet").Change("fashion");
        Assert.Empty(page.FindAll("#predictor-confirm"));
        page.Find("#predictor-model").Change("fasttree");
        page.Find("#budget-evaluations").Change("2000");
        page.Find("#predictor-confirm").Change("5");
        page.Find("form").Submit();

        var spec = Api.Submitted.Single();
        Assert.Equal(2000, spec["budget"]!["evaluations"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"model":"fasttree","confirm":5}"""), spec["predictor"]), spec.ToJsonString());
    }
}
