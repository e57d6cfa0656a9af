using Nob.Core.Configuration;

namespace Nob.Core.Tests;

public class XmlSemanticsTests
{
    const string Ns = "xmlns=\"http://activemq.apache.org/schema/core\"";

    [Theory]
    [InlineData($"<broker {Ns} a=\"1\" b=\"2\"/>", $"<broker {Ns} b='2' a='1'></broker>")]
    [InlineData($"<broker {Ns}><!-- note --><plugins/></broker>", $"<broker {Ns}>\n\n  <plugins />\n</broker>")]
    [InlineData($"<broker {Ns}><x v=\"&gt;\"/></broker>", $"<broker {Ns}><x v='>'/></broker>")]
    [InlineData($"<broker {Ns}><x/></broker>", "<c:broker xmlns:c=\"http://activemq.apache.org/schema/core\"><c:x/></c:broker>")]
    public void Equivalent_SameMeaningWrittenDifferently_IsTrue(string a, string b) => Assert.True(XmlSemantics.Equivalent(a, b));

    [Theory]
    [InlineData($"<broker {Ns} a=\"1\"/>", $"<broker {Ns} a=\"2\"/>")]
    [InlineData($"<broker {Ns}><x/><y/></broker>", $"<broker {Ns}><y/><x/></broker>")]
    [InlineData($"<broker {Ns}><x/></broker>", "<broker xmlns=\"http://other\"><x/></broker>")]
    [InlineData($"<broker {Ns}>a</broker>", $"<broker {Ns}>b</broker>")]
    public void Equivalent_DifferentMeaning_IsFalse(string a, string b) => Assert.False(XmlSemantics.Equivalent(a, b));
}
